// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/random.h"

#include <QByteArray>

#include <memory>
#include <optional>

/// Security schemes 0, 1 and 2 as step machines with no I/O (docs/protocol.md §4, §5, §8). The client
/// role drives the `prov-session` handshake and then wraps every request-endpoint payload; the
/// device role answers the handshake and unwraps requests. Both roles are separately testable
/// against shared/vectors. All key material is wiped (OPENSSL_cleanse) on destruction and on reset.
namespace prov {

/// Client side of a security scheme. Not thread-safe; one instance per session.
class ClientSecurity
{
public:
    virtual ~ClientSecurity() = default;

    /// 0, 1 or 2 (`sec_ver`).
    virtual int version() const = 0;
    /// Number of prov-session round trips the handshake takes (sec0: 1, sec1/sec2: 2).
    virtual int handshakeRoundTrips() const = 0;

    /// Starts (or restarts) the handshake: returns the first `SessionData` request (Cmd0).
    /// Errors: Internal (RNG or crypto failure).
    virtual Result<QByteArray> begin() = 0;

    /// Consumes a `prov-session` response. Returns the next request, or std::nullopt once the
    /// session is established. Errors: MalformedMessage (not SessionData, wrong lengths),
    /// UnexpectedMessage (wrong sec_ver/msg for the state), DeviceRejected (status != Success),
    /// HandshakeFailed (device proof / verify data mismatch: device not authentic; B mod N == 0).
    virtual Result<std::optional<QByteArray>> handleResponse(const QByteArray &response) = 0;

    virtual bool isEstablished() const = 0;

    /// Wraps a request payload. Sec0: identity. Sec1: the one shared AES-CTR stream (§5.2).
    /// Sec2: AES-256-GCM, ciphertext ‖ 16-byte tag (§8.4). Errors: UnexpectedMessage before the
    /// session is established, Internal.
    virtual Result<QByteArray> encrypt(const QByteArray &plaintext) = 0;
    /// Unwraps a response payload. Errors: DecryptFailed (GCM tag mismatch, short input),
    /// UnexpectedMessage before the session is established.
    virtual Result<QByteArray> decrypt(const QByteArray &ciphertext) = 0;
};

/// Security 0: plaintext; Cmd0 is `5203a20100` (§4).
std::unique_ptr<ClientSecurity> makeClientSecurity0();

/// Security 1 (§5). `pop` may be empty (device "no_pop": key = raw X25519 secret). The first
/// rng draw (32 B) is the X25519 private key (shared/vectors sec1 `client_randomness`).
std::unique_ptr<ClientSecurity> makeClientSecurity1(
    const QByteArray &pop, std::shared_ptr<RandomSource> rng = systemRandom());

/// Security 2 (§8). `patchVersion` 0 = one fixed 16-byte IV for every message, 1 = 12-byte nonce
/// with the shared big-endian counter. The first rng draw (32 B) is `a`, with bit 255 set
/// (shared/vectors sec2). A is always sent as exactly 384 bytes; K and M1 are always 64 bytes; salt
/// and B are used as received. Errors of handleResponse additionally: VersionMismatch if patch 1
/// is requested and the device sends a 16-byte nonce.
std::unique_ptr<ClientSecurity> makeClientSecurity2(const QByteArray &username, const QByteArray &password,
    int patchVersion, std::shared_ptr<RandomSource> rng = systemRandom());

/// Device side of a security scheme (used by prov-sim and the tests).
class DeviceSecurity
{
public:
    virtual ~DeviceSecurity() = default;
    virtual int version() const = 0;
    /// A new transport session (BLE connect, new HTTP cookie session): drop all session state.
    virtual void resetSession() = 0;
    /// Answers one `prov-session` request. A Cmd0 in any state restarts the handshake (§5.3, §8.3).
    /// An error means "transport failure" (§6.4): the front end closes without a response.
    /// Errors: MalformedMessage, UnexpectedMessage (wrong sec_ver or state), AuthenticationFailed
    /// (wrong client proof / verify data), InvalidArgument (A length != 384, A mod N == 0, ...).
    virtual Result<QByteArray> handleSession(const QByteArray &request) = 0;
    virtual bool isEstablished() const = 0;
    /// Unwraps a request payload. Errors: UnexpectedMessage (no session), DecryptFailed.
    virtual Result<QByteArray> decrypt(const QByteArray &ciphertext) = 0;
    /// Wraps a response payload. Errors: UnexpectedMessage (no session), Internal.
    virtual Result<QByteArray> encrypt(const QByteArray &plaintext) = 0;
};

std::unique_ptr<DeviceSecurity> makeDeviceSecurity0();
/// Draws per session: 32 B X25519 private key, then 16 B device_random.
std::unique_ptr<DeviceSecurity> makeDeviceSecurity1(
    const QByteArray &pop, std::shared_ptr<RandomSource> rng = systemRandom());

/// Salt and verifier as stored on a Security 2 device (§8.5).
struct Sec2Verifier
{
    QByteArray salt; ///< typically 16 bytes
    QByteArray verifier; ///< v = g^x mod N, big-endian, minimal length
};

/// What `esp_prov --sec2_gen_cred` produces, computed with raw bytes everywhere (§8.5
/// "Recommendation"): x = SHA-512(salt ‖ SHA-512(username ‖ ":" ‖ password)). Salts whose
/// first byte is 0x00 are re-drawn. Errors: InvalidArgument (empty username, saltLength < 1).
Result<Sec2Verifier> generateSec2Verifier(const QByteArray &username, const QByteArray &password,
    int saltLength = 16, std::shared_ptr<RandomSource> rng = systemRandom());

/// Draws per session: 32 B `b`, then (after a valid client proof) the nonce: 8 B session id for
/// patch 1 (nonce = id ‖ 00000001), 16 B fixed IV for patch 0.
std::unique_ptr<DeviceSecurity> makeDeviceSecurity2(
    const Sec2Verifier &credentials, int patchVersion, std::shared_ptr<RandomSource> rng = systemRandom());

} // namespace prov
