// SPDX-License-Identifier: Apache-2.0
// Security 0 (docs/protocol.md §4): a one-round-trip handshake and plaintext payloads.
#include "prov/security.h"
#include "security/sessionhelpers.h"

namespace prov {

namespace {

using codec::Sec0Cmd;
using codec::Sec0Resp;

class ClientSecurity0 final : public ClientSecurity
{
public:
    int version() const override { return 0; }
    int handshakeRoundTrips() const override { return 1; }

    Result<QByteArray> begin() override
    {
        m_step = Step::AwaitResponse;
        return codec::encodeSession(Sec0Cmd {}); // 5203a20100
    }

    Result<std::optional<QByteArray>> handleResponse(const QByteArray &response) override
    {
        if (m_step != Step::AwaitResponse)
            return security::unexpected("no prov-session response before begin()");
        m_step = Step::Idle; // any failure below ends this handshake
        auto message = security::decodeFor(0, response);
        if (!message)
            return message.error();
        const auto *resp = std::get_if<Sec0Resp>(&*message);
        if (resp == nullptr)
            return security::unexpected("sec0 session response");
        if (resp->status != 0)
            return security::rejected("sec0 session command", resp->status);
        m_step = Step::Established;
        return std::optional<QByteArray>();
    }

    bool isEstablished() const override { return m_step == Step::Established; }

    Result<QByteArray> encrypt(const QByteArray &plaintext) override { return passThrough(plaintext); }
    Result<QByteArray> decrypt(const QByteArray &ciphertext) override { return passThrough(ciphertext); }

private:
    enum class Step { Idle, AwaitResponse, Established };

    Result<QByteArray> passThrough(const QByteArray &payload) const
    {
        if (m_step != Step::Established)
            return makeError(
                ErrorCode::UnexpectedMessage, QStringLiteral("security 0 session not established"));
        return payload;
    }

    Step m_step = Step::Idle;
};

class DeviceSecurity0 final : public DeviceSecurity
{
public:
    int version() const override { return 0; }
    void resetSession() override { m_established = false; }

    Result<QByteArray> handleSession(const QByteArray &request) override
    {
        // The stock device checks only sec_ver (security0.c); we also insist on the command.
        auto message = security::decodeFor(0, request);
        if (!message)
            return message.error();
        if (!std::holds_alternative<Sec0Cmd>(*message))
            return security::unexpected("sec0 session command");
        m_established = true;
        return codec::encodeSession(Sec0Resp {}); // 52050801aa0100
    }

    bool isEstablished() const override { return m_established; }

    // Security 0 keeps no per-session state on the device, so payloads pass even without the
    // handshake, exactly like stock firmware (§4).
    Result<QByteArray> decrypt(const QByteArray &ciphertext) override { return ciphertext; }
    Result<QByteArray> encrypt(const QByteArray &plaintext) override { return plaintext; }

private:
    bool m_established = false;
};

} // namespace

std::unique_ptr<ClientSecurity> makeClientSecurity0()
{
    return std::make_unique<ClientSecurity0>();
}

std::unique_ptr<DeviceSecurity> makeDeviceSecurity0()
{
    return std::make_unique<DeviceSecurity0>();
}

} // namespace prov
