// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal: SRP-6a exactly as the ESP-IDF device (esp_srp.c) computes it, docs/protocol.md §8.1/§8.2:
// RFC 5054 3072-bit group, g = 5, H = SHA-512. Every value keeps the byte form the device uses:
// A padded to 384 bytes, B and salt as received, S minimal-length, K/M1/M2 fixed 64-byte digests.
// The Security 2 step machines (security2.cpp) are built from these functions; they are exposed
// so that the tests can compute A/B/S/K directly (leading-zero coverage, §8.5, §13 item 5).

#include "crypto/crypto.h"
#include "prov/error.h"

#include <QByteArray>
#include <QByteArrayView>

namespace prov::srp {

/// len(N): A is always sent with exactly this many bytes.
inline constexpr int kModulusBytes = 384;
/// SHA-512 output: K, M1 and M2 are always this long.
inline constexpr int kDigestBytes = 64;
/// Size of the private values a and b drawn from the RandomSource.
inline constexpr int kPrivateBytes = 32;

/// N, 384 bytes big-endian (§8.1).
QByteArray modulus();

/// x = H(salt ‖ H(I ‖ ":" ‖ P)) with raw bytes everywhere (§8.2, §8.5 "Recommendation").
/// Errors: Internal.
Result<crypto::SecureBytes> computeX(QByteArrayView salt, QByteArrayView username, QByteArrayView password);

/// v = g^x mod N as minimal-length big-endian (what `--sec2_gen_cred` prints). Errors: Internal.
Result<QByteArray> computeVerifier(QByteArrayView salt, QByteArrayView username, QByteArrayView password);

/// Client: A = g^a mod N, always exactly 384 bytes (left-padded; §8.5 "Always left-pad A").
/// `a` is the private value as big-endian bytes. Errors: Internal.
Result<QByteArray> computeClientPublic(QByteArrayView a);

/// Device: B = (k·v + g^b) mod N as minimal-length big-endian (the device sends it that way, so
/// it may be shorter than 384 bytes). Errors: Internal.
Result<QByteArray> computeDevicePublic(QByteArrayView b, QByteArrayView verifier);

/// u = H(PAD(A) ‖ PAD(B)), 64 bytes. Errors: InvalidArgument (A or B longer than 384 bytes),
/// Internal.
Result<QByteArray> computeU(QByteArrayView clientPublic, QByteArrayView devicePublic);

/// Client premaster secret S = (B − k·v)^(a + u·x) mod N with B − k·v reduced into [0, N) and the
/// exponent not reduced, returned minimal-length. Checks B mod N ≠ 0 and u ≠ 0 first.
/// Errors: HandshakeFailed (B mod N == 0, u == 0), InvalidArgument (B longer than 384 bytes),
/// Internal.
Result<crypto::SecureBytes> clientPremaster(QByteArrayView a, QByteArrayView clientPublic,
    QByteArrayView devicePublic, QByteArrayView salt, QByteArrayView username, QByteArrayView password);

/// Device premaster secret S = (A · v^u)^b mod N, minimal-length. Errors: InvalidArgument
/// (A mod N == 0, A longer than 384 bytes), Internal.
Result<crypto::SecureBytes> devicePremaster(
    QByteArrayView b, QByteArrayView clientPublic, QByteArrayView devicePublic, QByteArrayView verifier);

/// K = H(S) over S exactly as given (callers pass the minimal encoding; never pad S, §8.2).
/// Errors: Internal.
Result<crypto::SecureBytes> sessionKey(QByteArrayView premaster);

/// M1 = H((H(N) xor H(PAD(g))) ‖ H(I) ‖ salt ‖ A ‖ B ‖ K) with salt, A and B exactly as sent on
/// the wire (§8.2). 64 bytes. Errors: Internal.
Result<QByteArray> clientProof(QByteArrayView username, QByteArrayView salt, QByteArrayView clientPublic,
    QByteArrayView devicePublic, QByteArrayView sessionKey);

/// M2 = H(A ‖ M1 ‖ K), 64 bytes. Errors: Internal.
Result<QByteArray> deviceProof(
    QByteArrayView clientPublic, QByteArrayView clientProof, QByteArrayView sessionKey);

} // namespace prov::srp
