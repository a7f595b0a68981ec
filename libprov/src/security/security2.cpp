// SPDX-License-Identifier: Apache-2.0
// Security 2 (docs/protocol.md §8): SRP-6a (srp.h) then AES-256-GCM with either one fixed 16-byte IV
// (patch 0) or a 12-byte nonce whose big-endian counter both directions share (patch 1), §8.4.
#include "core/logging.h"
#include "crypto/crypto.h"
#include "prov/security.h"
#include "security/sessionhelpers.h"
#include "security/srp.h"

#include <QtEndian>

namespace prov {

namespace {

using codec::Sec2Cmd0;
using codec::Sec2Cmd1;
using codec::Sec2Resp0;
using codec::Sec2Resp1;
using crypto::SecureBytes;

constexpr int kAesKeyBytes = 32; // key = K[0..31] (§8.4)
constexpr int kPatch1NonceBytes = 12; // 8-byte session id ‖ BE32 counter
constexpr int kSessionIdBytes = 8;
constexpr int kPatch0IvBytes = 16;
constexpr int kMaxUsernameBytes = 65535; // §8.1

Status checkPatchVersion(int patchVersion)
{
    if (patchVersion == 0 || patchVersion == 1)
        return {};
    return makeError(ErrorCode::VersionMismatch,
        QStringLiteral("security 2 patch version %1 is not supported (0 or 1)").arg(patchVersion));
}

/// The data phase shared by both roles (§8.4). Patch 1: IV = session id ‖ BE32(counter), one
/// counter for both directions, advanced only after a successful seal or open, and never used at 0
/// (the device refuses to wrap). Patch 0: the same 16-byte IV for every message.
class GcmChannel
{
public:
    GcmChannel() = default;

    /// Errors: VersionMismatch (nonce length does not match the patch version).
    static Result<GcmChannel> create(QByteArrayView sessionKey, const QByteArray &nonce, int patchVersion)
    {
        const int expected = patchVersion == 1 ? kPatch1NonceBytes : kPatch0IvBytes;
        if (nonce.size() != expected)
            return makeError(ErrorCode::VersionMismatch,
                QStringLiteral("device_nonce is %1 bytes but security 2 patch %2 needs %3")
                    .arg(nonce.size())
                    .arg(patchVersion)
                    .arg(expected));
        GcmChannel channel;
        channel.m_key = SecureBytes(sessionKey.first(kAesKeyBytes));
        channel.m_patchVersion = patchVersion;
        if (patchVersion == 1) {
            // esp_prov continues from the received counter; the device always sends 1 (§8.4).
            channel.m_iv = nonce.first(kSessionIdBytes);
            channel.m_counter = qFromBigEndian<quint32>(nonce.constData() + kSessionIdBytes);
        } else {
            channel.m_iv = nonce;
        }
        return channel;
    }

    bool isValid() const { return !m_key.isEmpty(); }

    Result<QByteArray> seal(QByteArrayView plaintext)
    {
        auto iv = currentIv();
        if (!iv)
            return iv.error();
        auto sealed = crypto::gcmSeal(m_key.view(), *iv, plaintext);
        if (sealed)
            advance();
        return sealed;
    }

    Result<QByteArray> open(QByteArrayView sealed)
    {
        auto iv = currentIv();
        if (!iv)
            return iv.error();
        auto opened = crypto::gcmOpen(m_key.view(), *iv, sealed);
        if (opened)
            advance();
        return opened;
    }

    void clear()
    {
        m_key.wipe();
        m_iv.clear();
        m_counter = 0;
    }

private:
    Result<QByteArray> currentIv() const
    {
        if (!isValid())
            return makeError(ErrorCode::Internal, QStringLiteral("GCM channel not initialised"));
        if (m_patchVersion != 1)
            return m_iv;
        if (m_counter == 0)
            return makeError(
                ErrorCode::Internal, QStringLiteral("GCM nonce counter exhausted; redo the handshake"));
        QByteArray iv = m_iv;
        iv.resize(kPatch1NonceBytes);
        qToBigEndian<quint32>(m_counter, iv.data() + kSessionIdBytes);
        return iv;
    }

    void advance()
    {
        if (m_patchVersion == 1)
            ++m_counter;
    }

    SecureBytes m_key;
    QByteArray m_iv; // patch 1: the 8-byte session id; patch 0: the whole fixed IV
    quint32 m_counter = 0;
    int m_patchVersion = 1;
};

// ---------------------------------------------------------------------------------------------

class ClientSecurity2 final : public ClientSecurity
{
public:
    ClientSecurity2(const QByteArray &username, const QByteArray &password, int patchVersion,
        std::shared_ptr<RandomSource> rng)
        : m_username(username)
        , m_password(QByteArrayView(password))
        , m_patchVersion(patchVersion)
        , m_rng(std::move(rng))
    { }
    ~ClientSecurity2() override { clear(); }

    int version() const override { return 2; }
    int handshakeRoundTrips() const override { return 2; }

    Result<QByteArray> begin() override
    {
        clear();
        if (auto s = checkPatchVersion(m_patchVersion); !s)
            return s.error();
        if (m_username.isEmpty() || m_username.size() > kMaxUsernameBytes)
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("SRP username must be 1..65535 bytes"));
        m_a = SecureBytes(m_rng->bytes(srp::kPrivateBytes));
        if (m_a.size() != srp::kPrivateBytes)
            return makeError(
                ErrorCode::Internal, QStringLiteral("random source returned a short SRP private value"));
        m_a.data()[0] = static_cast<char>(m_a.data()[0] | 0x80); // a = draw | 1<<255, like esp_prov
        auto clientPublic = srp::computeClientPublic(m_a.view());
        if (!clientPublic)
            return clientPublic.error();
        m_clientPublic = *clientPublic;
        m_step = Step::AwaitResponse0;
        return codec::encodeSession(Sec2Cmd0 { m_username, m_clientPublic });
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

    Result<QByteArray> encrypt(const QByteArray &plaintext) override
    {
        if (m_step != Step::Established)
            return notEstablished();
        return m_channel.seal(plaintext);
    }

    Result<QByteArray> decrypt(const QByteArray &ciphertext) override
    {
        if (m_step != Step::Established)
            return notEstablished();
        return m_channel.open(ciphertext);
    }

private:
    enum class Step { Idle, AwaitResponse0, AwaitResponse1, Established };

    static Error notEstablished()
    {
        return makeError(ErrorCode::UnexpectedMessage, QStringLiteral("security 2 session not established"));
    }

    Result<std::optional<QByteArray>> dispatch(const QByteArray &response)
    {
        auto message = security::decodeFor(2, response);
        if (!message)
            return message.error();
        if (m_step == Step::AwaitResponse0) {
            const auto *resp0 = std::get_if<Sec2Resp0>(&*message);
            if (resp0 == nullptr)
                return security::unexpected("sec2 S2SessionResp0");
            return handleResponse0(*resp0);
        }
        const auto *resp1 = std::get_if<Sec2Resp1>(&*message);
        if (resp1 == nullptr)
            return security::unexpected("sec2 S2SessionResp1");
        return handleResponse1(*resp1);
    }

    /// Resp0 -> Cmd1: compute S, K and our proof M1 from B and the salt exactly as received.
    Result<std::optional<QByteArray>> handleResponse0(const Sec2Resp0 &resp)
    {
        if (resp.status != 0)
            return security::rejected("sec2 S2SessionCmd0", resp.status);
        if (resp.devicePubkey.isEmpty() || resp.devicePubkey.size() > srp::kModulusBytes)
            return makeError(ErrorCode::MalformedMessage,
                QStringLiteral("sec2 device_pubkey is %1 bytes, expected 1..384")
                    .arg(resp.devicePubkey.size()));
        if (resp.deviceSalt.isEmpty())
            return makeError(ErrorCode::MalformedMessage, QStringLiteral("sec2 device_salt is empty"));
        auto premaster = srp::clientPremaster(
            m_a.view(), m_clientPublic, resp.devicePubkey, resp.deviceSalt, m_username, m_password.view());
        m_a.wipe(); // a is not needed beyond S
        if (!premaster)
            return premaster.error();
        auto key = srp::sessionKey(premaster->view());
        if (!key)
            return key.error();
        m_sessionKey = std::move(*key);
        auto proof = srp::clientProof(
            m_username, resp.deviceSalt, m_clientPublic, resp.devicePubkey, m_sessionKey.view());
        if (!proof)
            return proof.error();
        auto expected = srp::deviceProof(m_clientPublic, *proof, m_sessionKey.view());
        if (!expected)
            return expected.error();
        m_expectedDeviceProof = *expected;
        m_step = Step::AwaitResponse1;
        return std::optional<QByteArray>(codec::encodeSession(Sec2Cmd1 { *proof }));
    }

    /// Resp1: check the device proof M2, then set up the GCM channel from the nonce.
    Result<std::optional<QByteArray>> handleResponse1(const Sec2Resp1 &resp)
    {
        if (resp.status != 0)
            return security::rejected("sec2 S2SessionCmd1", resp.status);
        if (auto s = security::expectSize("sec2 device_proof", resp.deviceProof.size(), srp::kDigestBytes);
            !s)
            return s.error();
        if (!crypto::constantTimeEqual(resp.deviceProof, m_expectedDeviceProof))
            return makeError(ErrorCode::HandshakeFailed,
                QStringLiteral("sec2 device proof mismatch: device not authentic"));
        auto channel = GcmChannel::create(m_sessionKey.view(), resp.deviceNonce, m_patchVersion);
        if (!channel)
            return channel.error();
        m_channel = std::move(*channel);
        m_sessionKey.wipe();
        m_step = Step::Established;
        qCDebug(lcProvSecurity) << "security 2 session established (client, patch" << m_patchVersion << ")";
        return std::optional<QByteArray>();
    }

    void clear()
    {
        m_a.wipe();
        m_sessionKey.wipe();
        m_channel.clear();
        m_clientPublic.clear();
        m_expectedDeviceProof.clear();
        m_step = Step::Idle;
    }

    const QByteArray m_username;
    const SecureBytes m_password;
    const int m_patchVersion;
    const std::shared_ptr<RandomSource> m_rng;
    Step m_step = Step::Idle;
    SecureBytes m_a;
    SecureBytes m_sessionKey; // K, 64 bytes, until the channel exists
    QByteArray m_clientPublic; // A exactly as sent (384 bytes)
    QByteArray m_expectedDeviceProof;
    GcmChannel m_channel;
};

// ---------------------------------------------------------------------------------------------

class DeviceSecurity2 final : public DeviceSecurity
{
public:
    DeviceSecurity2(const Sec2Verifier &credentials, int patchVersion, std::shared_ptr<RandomSource> rng)
        : m_credentials(credentials)
        , m_patchVersion(patchVersion)
        , m_rng(std::move(rng))
    { }
    ~DeviceSecurity2() override { resetSession(); }

    int version() const override { return 2; }

    void resetSession() override
    {
        m_sessionKey.wipe();
        m_channel.clear();
        m_username.clear();
        m_clientPublic.clear();
        m_devicePublic.clear();
        m_step = Step::Idle;
    }

    Result<QByteArray> handleSession(const QByteArray &request) override
    {
        auto message = security::decodeFor(2, request);
        if (!message)
            return message.error();
        // Cmd0 in any state restarts the session (both security2.c versions, §8.3 step 6).
        if (const auto *cmd0 = std::get_if<Sec2Cmd0>(&*message)) {
            auto response = handleCommand0(*cmd0);
            if (!response)
                resetSession();
            return response;
        }
        const auto *cmd1 = std::get_if<Sec2Cmd1>(&*message);
        if (cmd1 == nullptr)
            return security::unexpected("sec2 S2SessionCmd0 or S2SessionCmd1");
        if (m_step != Step::AwaitCommand1)
            return security::unexpected("sec2 S2SessionCmd0 (S2SessionCmd1 arrived out of order)");
        auto response = handleCommand1(*cmd1);
        if (!response)
            resetSession();
        return response;
    }

    bool isEstablished() const override { return m_step == Step::Established; }

    Result<QByteArray> decrypt(const QByteArray &ciphertext) override
    {
        if (m_step != Step::Established)
            return notEstablished();
        return m_channel.open(ciphertext);
    }

    Result<QByteArray> encrypt(const QByteArray &plaintext) override
    {
        if (m_step != Step::Established)
            return notEstablished();
        return m_channel.seal(plaintext);
    }

private:
    enum class Step { Idle, AwaitCommand1, Established };

    static Error notEstablished()
    {
        return makeError(ErrorCode::UnexpectedMessage, QStringLiteral("security 2 session not established"));
    }

    static Error invalid(const QString &detail) { return makeError(ErrorCode::InvalidArgument, detail); }

    /// Cmd0 -> Resp0: draw b, send B (minimal length) and the salt; S and K are computed now, as
    /// the device does.
    Result<QByteArray> handleCommand0(const Sec2Cmd0 &cmd)
    {
        resetSession();
        if (auto s = checkPatchVersion(m_patchVersion); !s)
            return s.error();
        if (cmd.clientUsername.isEmpty() || cmd.clientUsername.size() > kMaxUsernameBytes)
            return invalid(QStringLiteral("sec2 client_username is %1 bytes, expected 1..65535")
                               .arg(cmd.clientUsername.size()));
        if (cmd.clientPubkey.size() != srp::kModulusBytes)
            return invalid(QStringLiteral("sec2 client_pubkey is %1 bytes, expected exactly 384")
                               .arg(cmd.clientPubkey.size()));
        const SecureBytes b(m_rng->bytes(srp::kPrivateBytes));
        if (b.size() != srp::kPrivateBytes)
            return makeError(
                ErrorCode::Internal, QStringLiteral("random source returned a short SRP private value"));
        auto devicePublic = srp::computeDevicePublic(b.view(), m_credentials.verifier);
        if (!devicePublic)
            return devicePublic.error();
        auto premaster = srp::devicePremaster(
            b.view(), cmd.clientPubkey, *devicePublic, m_credentials.verifier);
        if (!premaster)
            return premaster.error();
        auto key = srp::sessionKey(premaster->view());
        if (!key)
            return key.error();
        m_sessionKey = std::move(*key);
        m_username = cmd.clientUsername;
        m_clientPublic = cmd.clientPubkey;
        m_devicePublic = *devicePublic;
        m_step = Step::AwaitCommand1;
        return codec::encodeSession(Sec2Resp0 { 0, m_devicePublic, m_credentials.salt });
    }

    /// Cmd1 -> Resp1: verify M1, answer M2 and the nonce.
    Result<QByteArray> handleCommand1(const Sec2Cmd1 &cmd)
    {
        if (cmd.clientProof.size() != srp::kDigestBytes)
            return invalid(
                QStringLiteral("sec2 client_proof is %1 bytes, expected 64").arg(cmd.clientProof.size()));
        auto expected = srp::clientProof(
            m_username, m_credentials.salt, m_clientPublic, m_devicePublic, m_sessionKey.view());
        if (!expected)
            return expected.error();
        if (!crypto::constantTimeEqual(cmd.clientProof, *expected))
            return makeError(ErrorCode::AuthenticationFailed,
                QStringLiteral("sec2 client proof mismatch (wrong username or password)"));
        auto proof = srp::deviceProof(m_clientPublic, cmd.clientProof, m_sessionKey.view());
        if (!proof)
            return proof.error();
        auto nonce = drawNonce();
        if (!nonce)
            return nonce.error();
        auto channel = GcmChannel::create(m_sessionKey.view(), *nonce, m_patchVersion);
        if (!channel)
            return channel.error();
        m_channel = std::move(*channel);
        m_sessionKey.wipe();
        m_step = Step::Established;
        qCDebug(lcProvSecurity) << "security 2 session established (device, patch" << m_patchVersion << ")";
        return codec::encodeSession(Sec2Resp1 { 0, *proof, *nonce });
    }

    /// Patch 1: 8 random bytes ‖ 00000001; patch 0: 16 random bytes (§8.4, security.h).
    Result<QByteArray> drawNonce()
    {
        const int size = m_patchVersion == 1 ? kSessionIdBytes : kPatch0IvBytes;
        QByteArray nonce = m_rng->bytes(size);
        if (nonce.size() != size)
            return makeError(ErrorCode::Internal, QStringLiteral("random source returned a short nonce"));
        if (m_patchVersion == 1)
            nonce.append(QByteArray::fromHex("00000001"));
        return nonce;
    }

    const Sec2Verifier m_credentials;
    const int m_patchVersion;
    const std::shared_ptr<RandomSource> m_rng;
    Step m_step = Step::Idle;
    SecureBytes m_sessionKey; // K, 64 bytes, until the channel exists
    QByteArray m_username; // I as received: M1 hashes it
    QByteArray m_clientPublic; // A exactly as received
    QByteArray m_devicePublic; // B exactly as sent
    GcmChannel m_channel;
};

} // namespace

std::unique_ptr<ClientSecurity> makeClientSecurity2(const QByteArray &username, const QByteArray &password,
    int patchVersion, std::shared_ptr<RandomSource> rng)
{
    return std::make_unique<ClientSecurity2>(username, password, patchVersion, std::move(rng));
}

std::unique_ptr<DeviceSecurity> makeDeviceSecurity2(
    const Sec2Verifier &credentials, int patchVersion, std::shared_ptr<RandomSource> rng)
{
    return std::make_unique<DeviceSecurity2>(credentials, patchVersion, std::move(rng));
}

Result<Sec2Verifier> generateSec2Verifier(
    const QByteArray &username, const QByteArray &password, int saltLength, std::shared_ptr<RandomSource> rng)
{
    if (username.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("SRP username must not be empty"));
    if (saltLength < 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("SRP salt length must be at least 1"));
    if (!rng)
        rng = systemRandom();
    Sec2Verifier credentials;
    // A leading 0x00 salt byte breaks esp_prov and Android, which strip it (§8.5): re-draw.
    do {
        credentials.salt = rng->bytes(saltLength);
        if (credentials.salt.size() != saltLength)
            return makeError(ErrorCode::Internal, QStringLiteral("random source returned a short salt"));
    } while (credentials.salt.at(0) == '\0');
    auto verifier = srp::computeVerifier(credentials.salt, username, password);
    if (!verifier)
        return verifier.error();
    credentials.verifier = *verifier;
    return credentials;
}

} // namespace prov
