// SPDX-License-Identifier: Apache-2.0
// Security 1 (docs/protocol.md §5): X25519 + PoP, then ONE AES-256-CTR keystream shared by both
// directions for the rest of the session (§5.2).
#include "core/logging.h"
#include "crypto/crypto.h"
#include "prov/security.h"
#include "security/sessionhelpers.h"

namespace prov {

namespace {

using codec::Sec1Cmd0;
using codec::Sec1Cmd1;
using codec::Sec1Resp0;
using codec::Sec1Resp1;
using crypto::AesCtrStream;
using crypto::SecureBytes;
using crypto::X25519Key;

constexpr int kKeyBytes = 32;
constexpr int kDeviceRandomBytes = 16;

/// The session keystream both roles derive (§5.1 steps 3 and 5): sym_key = shared XOR SHA-256(PoP)
/// when a PoP is set, else the raw shared secret; IV = device_random. `derive` errors pass through
/// (InvalidArgument for a bad peer key) so that each role can map them.
Result<AesCtrStream> sessionStream(
    const X25519Key &ownKey, QByteArrayView peerPublic, const SecureBytes &pop, QByteArrayView deviceRandom)
{
    auto shared = ownKey.derive(peerPublic);
    if (!shared)
        return shared.error();
    if (!pop.isEmpty()) {
        auto popHash = crypto::sha256(pop.view());
        if (!popHash)
            return popHash.error();
        for (int i = 0; i < kKeyBytes; ++i)
            shared->data()[i] = static_cast<char>(shared->data()[i] ^ popHash->constData()[i]);
    }
    return AesCtrStream::create(shared->view(), deviceRandom);
}

/// Draws a 32-byte X25519 private key. OpenSSL clamps it, so the raw draw is the key (§5.1).
Result<X25519Key> drawKey(RandomSource &rng)
{
    const SecureBytes privateKey(rng.bytes(kKeyBytes));
    if (privateKey.size() != kKeyBytes)
        return makeError(ErrorCode::Internal, QStringLiteral("random source returned a short X25519 key"));
    return X25519Key::fromPrivate(privateKey.view());
}

// ---------------------------------------------------------------------------------------------

class ClientSecurity1 final : public ClientSecurity
{
public:
    ClientSecurity1(const QByteArray &pop, std::shared_ptr<RandomSource> rng)
        : m_pop(QByteArrayView(pop))
        , m_rng(std::move(rng))
    { }
    ~ClientSecurity1() override { clear(); }

    int version() const override { return 1; }
    int handshakeRoundTrips() const override { return 2; }

    Result<QByteArray> begin() override
    {
        clear();
        auto key = drawKey(*m_rng);
        if (!key)
            return key.error();
        m_key.emplace(std::move(*key));
        m_publicKey = m_key->publicKey();
        m_step = Step::AwaitResponse0;
        return codec::encodeSession(Sec1Cmd0 { m_publicKey });
    }

    Result<std::optional<QByteArray>> handleResponse(const QByteArray &response) override
    {
        if (m_step != Step::AwaitResponse0 && m_step != Step::AwaitResponse1)
            return security::unexpected("no prov-session response outside a handshake");
        auto next = dispatch(response);
        if (!next)
            clear(); // a failed handshake cannot be resumed: begin() again
        return next;
    }

    bool isEstablished() const override { return m_step == Step::Established; }

    Result<QByteArray> encrypt(const QByteArray &plaintext) override { return applyStream(plaintext); }
    Result<QByteArray> decrypt(const QByteArray &ciphertext) override { return applyStream(ciphertext); }

private:
    enum class Step { Idle, AwaitResponse0, AwaitResponse1, Established };

    Result<std::optional<QByteArray>> dispatch(const QByteArray &response)
    {
        auto message = security::decodeFor(1, response);
        if (!message)
            return message.error();
        if (m_step == Step::AwaitResponse0) {
            const auto *resp0 = std::get_if<Sec1Resp0>(&*message);
            if (resp0 == nullptr)
                return security::unexpected("sec1 SessionResp0");
            return handleResponse0(*resp0);
        }
        const auto *resp1 = std::get_if<Sec1Resp1>(&*message);
        if (resp1 == nullptr)
            return security::unexpected("sec1 SessionResp1");
        return handleResponse1(*resp1);
    }

    /// Resp0 -> Cmd1: derive the key and prove it by encrypting the device's public key.
    Result<std::optional<QByteArray>> handleResponse0(const Sec1Resp0 &resp)
    {
        if (resp.status != 0)
            return security::rejected("sec1 SessionCmd0", resp.status);
        if (auto s = security::expectSize("sec1 device_pubkey", resp.devicePubkey.size(), kKeyBytes); !s)
            return s.error();
        if (auto s = security::expectSize("sec1 device_random", resp.deviceRandom.size(), kDeviceRandomBytes);
            !s)
            return s.error();
        auto stream = sessionStream(*m_key, resp.devicePubkey, m_pop, resp.deviceRandom);
        if (!stream) {
            if (stream.error().code == ErrorCode::InvalidArgument)
                return makeError(ErrorCode::HandshakeFailed, stream.error().detail);
            return stream.error();
        }
        m_stream = std::move(*stream);
        auto verifyData = m_stream.apply(resp.devicePubkey); // keystream 0..31
        if (!verifyData)
            return verifyData.error();
        m_step = Step::AwaitResponse1;
        return std::optional<QByteArray>(codec::encodeSession(Sec1Cmd1 { *verifyData }));
    }

    /// Resp1: the device proves the key by encrypting our public key (keystream 32..63).
    Result<std::optional<QByteArray>> handleResponse1(const Sec1Resp1 &resp)
    {
        if (resp.status != 0)
            return security::rejected("sec1 SessionCmd1", resp.status);
        if (auto s = security::expectSize("sec1 device_verify_data", resp.deviceVerifyData.size(), kKeyBytes);
            !s)
            return s.error();
        auto decrypted = m_stream.apply(resp.deviceVerifyData);
        if (!decrypted)
            return decrypted.error();
        if (!crypto::constantTimeEqual(*decrypted, m_publicKey))
            return makeError(ErrorCode::HandshakeFailed,
                QStringLiteral("sec1 device_verify_data mismatch: device not authentic"));
        m_key.reset();
        m_step = Step::Established;
        qCDebug(lcProvSecurity) << "security 1 session established (client)";
        return std::optional<QByteArray>();
    }

    Result<QByteArray> applyStream(const QByteArray &input)
    {
        if (m_step != Step::Established)
            return makeError(
                ErrorCode::UnexpectedMessage, QStringLiteral("security 1 session not established"));
        return m_stream.apply(input);
    }

    void clear()
    {
        m_key.reset();
        m_stream.reset();
        m_publicKey.clear();
        m_step = Step::Idle;
    }

    const SecureBytes m_pop;
    const std::shared_ptr<RandomSource> m_rng;
    Step m_step = Step::Idle;
    std::optional<X25519Key> m_key;
    QByteArray m_publicKey;
    AesCtrStream m_stream;
};

// ---------------------------------------------------------------------------------------------

class DeviceSecurity1 final : public DeviceSecurity
{
public:
    DeviceSecurity1(const QByteArray &pop, std::shared_ptr<RandomSource> rng)
        : m_pop(QByteArrayView(pop))
        , m_rng(std::move(rng))
    { }
    ~DeviceSecurity1() override { resetSession(); }

    int version() const override { return 1; }

    void resetSession() override
    {
        m_stream.reset();
        m_clientPublic.clear();
        m_devicePublic.clear();
        m_step = Step::Idle;
    }

    Result<QByteArray> handleSession(const QByteArray &request) override
    {
        auto message = security::decodeFor(1, request);
        if (!message)
            return message.error();
        // Cmd0 in any state restarts the session (newer security1.c, §5.3).
        if (const auto *cmd0 = std::get_if<Sec1Cmd0>(&*message))
            return handleCommand0(*cmd0);
        const auto *cmd1 = std::get_if<Sec1Cmd1>(&*message);
        if (cmd1 == nullptr)
            return security::unexpected("sec1 SessionCmd0 or SessionCmd1");
        if (m_step != Step::AwaitCommand1)
            return security::unexpected("sec1 SessionCmd0 (SessionCmd1 arrived out of order)");
        return handleCommand1(*cmd1);
    }

    bool isEstablished() const override { return m_step == Step::Established; }

    Result<QByteArray> decrypt(const QByteArray &ciphertext) override { return applyStream(ciphertext); }
    Result<QByteArray> encrypt(const QByteArray &plaintext) override { return applyStream(plaintext); }

private:
    enum class Step { Idle, AwaitCommand1, Established };

    Result<QByteArray> handleCommand0(const Sec1Cmd0 &cmd)
    {
        resetSession();
        if (cmd.clientPubkey.size() != kKeyBytes)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("sec1 client_pubkey is %1 bytes, expected 32").arg(cmd.clientPubkey.size()));
        // Draw order is part of the contract (security.h): private key, then device_random.
        auto key = drawKey(*m_rng);
        if (!key)
            return key.error();
        const QByteArray deviceRandom = m_rng->bytes(kDeviceRandomBytes);
        if (deviceRandom.size() != kDeviceRandomBytes)
            return makeError(
                ErrorCode::Internal, QStringLiteral("random source returned a short device_random"));
        auto stream = sessionStream(*key, cmd.clientPubkey, m_pop, deviceRandom);
        if (!stream)
            return stream.error();
        m_stream = std::move(*stream);
        m_clientPublic = cmd.clientPubkey;
        m_devicePublic = key->publicKey();
        m_step = Step::AwaitCommand1;
        return codec::encodeSession(Sec1Resp0 { 0, m_devicePublic, deviceRandom });
    }

    Result<QByteArray> handleCommand1(const Sec1Cmd1 &cmd)
    {
        if (cmd.clientVerifyData.size() != kKeyBytes)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("sec1 client_verify_data is %1 bytes, expected 32")
                    .arg(cmd.clientVerifyData.size()));
        auto decrypted = m_stream.apply(cmd.clientVerifyData); // keystream 0..31
        if (!decrypted)
            return decrypted.error();
        if (!crypto::constantTimeEqual(*decrypted, m_devicePublic)) {
            resetSession();
            return makeError(ErrorCode::AuthenticationFailed,
                QStringLiteral("sec1 client_verify_data mismatch (wrong proof of possession)"));
        }
        auto verifyData = m_stream.apply(m_clientPublic); // keystream 32..63
        if (!verifyData)
            return verifyData.error();
        m_step = Step::Established;
        qCDebug(lcProvSecurity) << "security 1 session established (device)";
        return codec::encodeSession(Sec1Resp1 { 0, *verifyData });
    }

    Result<QByteArray> applyStream(const QByteArray &input)
    {
        if (m_step != Step::Established)
            return makeError(
                ErrorCode::UnexpectedMessage, QStringLiteral("security 1 session not established"));
        return m_stream.apply(input);
    }

    const SecureBytes m_pop;
    const std::shared_ptr<RandomSource> m_rng;
    Step m_step = Step::Idle;
    AesCtrStream m_stream;
    QByteArray m_clientPublic;
    QByteArray m_devicePublic;
};

} // namespace

std::unique_ptr<ClientSecurity> makeClientSecurity1(const QByteArray &pop, std::shared_ptr<RandomSource> rng)
{
    return std::make_unique<ClientSecurity1>(pop, std::move(rng));
}

std::unique_ptr<DeviceSecurity> makeDeviceSecurity1(const QByteArray &pop, std::shared_ptr<RandomSource> rng)
{
    return std::make_unique<DeviceSecurity1>(pop, std::move(rng));
}

} // namespace prov
