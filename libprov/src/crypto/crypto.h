// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal: the OpenSSL seam (docs/architecture.md principle 3). Small RAII wrappers over OpenSSL 3 EVP and
// BIGNUM; nothing here implements a primitive itself. This header deliberately does not include any
// OpenSSL header, so the security layer and the tests see only these types.
//
// Error mapping at this boundary: cipher/digest/bignum failures become `Internal` with the OpenSSL
// error text as detail, except an AES-GCM tag mismatch, which is `DecryptFailed`.

#include "prov/error.h"

#include <QByteArray>
#include <QByteArrayView>

#include <initializer_list>
#include <memory>

struct bignum_st;
struct bignum_ctx;
struct evp_pkey_st;
struct evp_cipher_ctx_st;

namespace prov::crypto {

/// Overwrites `size` bytes at `data` with zeros in a way the compiler cannot elide (OPENSSL_cleanse).
void secureWipe(void *data, qsizetype size);
/// Wipes the bytes of `bytes` and clears it. A shared (implicitly copied) array is detached first,
/// so other owners keep their copy; only call this on arrays you own.
void secureWipe(QByteArray &bytes);

/// Constant-time equality (CRYPTO_memcmp) for proofs and verify data. Different sizes compare
/// unequal immediately: the sizes of these values are public.
bool constantTimeEqual(QByteArrayView a, QByteArrayView b);

/// A byte buffer for secrets (keys, SRP `a`/`b`/`S`/`K`, passwords) that is wiped on destruction.
/// Move-only, never implicitly shared: the buffer is always private to this object, so the wipe
/// reaches the only copy. `toByteArray()` makes an unprotected copy for the caller.
class SecureBytes
{
public:
    SecureBytes() = default;
    /// `size` zero bytes.
    explicit SecureBytes(qsizetype size);
    /// Deep copy of `bytes`.
    explicit SecureBytes(QByteArrayView bytes);
    /// Takes `bytes` over (detaching it if shared, so that the wipe cannot hit another owner).
    explicit SecureBytes(QByteArray &&bytes);
    SecureBytes(const SecureBytes &) = delete;
    SecureBytes &operator=(const SecureBytes &) = delete;
    SecureBytes(SecureBytes &&other) noexcept;
    SecureBytes &operator=(SecureBytes &&other) noexcept;
    ~SecureBytes();

    /// Wipes and empties the buffer.
    void wipe();
    SecureBytes clone() const { return SecureBytes(view()); }

    qsizetype size() const { return m_data.size(); }
    bool isEmpty() const { return m_data.isEmpty(); }
    char *data() { return m_data.data(); }
    const char *constData() const { return m_data.constData(); }
    QByteArrayView view() const { return QByteArrayView(m_data); }
    QByteArrayView first(qsizetype n) const { return view().first(n); }
    /// An unprotected deep copy; the caller owns its lifetime.
    QByteArray toByteArray() const { return QByteArray(m_data.constData(), m_data.size()); }

private:
    QByteArray m_data;
};

// ---- digests

/// Incremental SHA-256 / SHA-512 (EVP_MD_CTX), so that secret inputs never need to be concatenated
/// into temporary buffers.
class Digest
{
public:
    enum class Algorithm { Sha256, Sha512 };
    explicit Digest(Algorithm algorithm);
    ~Digest();
    Digest(const Digest &) = delete;
    Digest &operator=(const Digest &) = delete;

    /// Appends `data`. Failures are sticky and reported by `finish()`.
    Digest &update(QByteArrayView data);
    /// The digest (32 or 64 bytes). Errors: Internal (OpenSSL failure anywhere since construction).
    Result<SecureBytes> finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// One-shot SHA-256 (32 bytes). Errors: Internal.
Result<SecureBytes> sha256(QByteArrayView data);
/// One-shot SHA-512 (64 bytes). Errors: Internal.
Result<SecureBytes> sha512(QByteArrayView data);

// ---- X25519 (RFC 7748 byte order, as on the wire, §5.1)

struct PkeyDeleter
{
    void operator()(evp_pkey_st *key) const;
};

/// An X25519 key pair built from a raw 32-byte private key. OpenSSL clamps the scalar internally,
/// so any 32 random bytes are a valid private key (Security 1 draws exactly that, §5.1).
class X25519Key
{
public:
    /// Errors: InvalidArgument (not 32 bytes), Internal.
    static Result<X25519Key> fromPrivate(QByteArrayView privateKey);

    /// The 32-byte public key.
    QByteArray publicKey() const;
    /// The 32-byte shared secret with `peerPublic`. Errors: InvalidArgument (not 32 bytes, or a
    /// low-order point giving an all-zero secret, which OpenSSL refuses), Internal.
    Result<SecureBytes> derive(QByteArrayView peerPublic) const;

private:
    std::unique_ptr<evp_pkey_st, PkeyDeleter> m_key;
};

// ---- AES

struct CipherCtxDeleter
{
    void operator()(evp_cipher_ctx_st *ctx) const;
};

/// AES-256-CTR as one continuous keystream (§5.2): encrypting and decrypting are the same XOR and
/// both advance the same position, which need not be block-aligned between calls. The 16-byte IV
/// is a 128-bit big-endian counter that carries across all 16 bytes (mbedtls `aes_crypt_ctr`).
class AesCtrStream
{
public:
    AesCtrStream() = default;
    /// Errors: InvalidArgument (key not 32 bytes, IV not 16 bytes), Internal.
    static Result<AesCtrStream> create(QByteArrayView key, QByteArrayView iv);

    bool isValid() const { return m_ctx != nullptr; }
    /// XORs `input` with the next input.size() keystream bytes. Errors: Internal (also if invalid).
    Result<QByteArray> apply(QByteArrayView input);
    /// Frees the context (OpenSSL wipes the key schedule).
    void reset() { m_ctx.reset(); }

private:
    std::unique_ptr<evp_cipher_ctx_st, CipherCtxDeleter> m_ctx;
};

/// Length of the GCM tag appended to every Security 2 message (§8.4).
inline constexpr int kGcmTagBytes = 16;

/// AES-256-GCM encryption without AAD. `iv` may be 12 bytes or any other non-empty length (16 for
/// Security 2 patch 0, where GCM derives J0 with GHASH, §8.4). Returns ciphertext ‖ 16-byte tag.
/// Errors: InvalidArgument (key not 32 bytes, empty IV), Internal.
Result<QByteArray> gcmSeal(QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext);
/// Inverse of gcmSeal. Errors: DecryptFailed (shorter than the tag, or tag mismatch; the OpenSSL
/// error text, if any, is the detail), InvalidArgument (key/IV), Internal.
Result<QByteArray> gcmOpen(QByteArrayView key, QByteArrayView iv, QByteArrayView sealed);

// ---- big numbers (SRP-6a, §8)

struct BigNumDeleter
{
    void operator()(bignum_st *bn) const; // BN_clear_free: every BIGNUM may hold a secret
};

/// An owned OpenSSL BIGNUM (non-negative in all our uses), cleared on destruction. A default
/// constructed or failed BigNum is "invalid"; arithmetic on it fails the BnContext.
class BigNum
{
public:
    BigNum() = default;
    /// Big-endian unsigned bytes (leading zeros allowed; empty = 0). Invalid on allocation failure.
    static BigNum fromBytes(QByteArrayView bigEndian);
    static BigNum fromWord(quint64 value);

    bool isValid() const { return m_bn != nullptr; }
    bool isZero() const;
    /// Length of the minimal big-endian encoding (0 for zero).
    int byteLength() const;
    /// Big-endian, left-padded with zeros to exactly `length` bytes (BN_bn2binpad). Empty if
    /// invalid or if the value needs more than `length` bytes.
    SecureBytes toBytes(int length) const;
    /// Minimal-length big-endian (zero gives an empty buffer).
    SecureBytes toMinimalBytes() const { return toBytes(byteLength()); }
    /// -1, 0, 1 like BN_cmp. Both must be valid.
    int compare(const BigNum &other) const;

    bignum_st *get() const { return m_bn.get(); }

private:
    explicit BigNum(bignum_st *bn)
        : m_bn(bn)
    { }
    std::unique_ptr<bignum_st, BigNumDeleter> m_bn;
    friend class BnContext;
};

/// A BN_CTX plus a sticky failure flag, so that a sequence of operations can be written plainly and
/// checked once with `status()`. Any operation on an invalid operand, or any OpenSSL failure,
/// returns an invalid BigNum and marks the context failed.
class BnContext
{
public:
    BnContext();
    ~BnContext();
    BnContext(const BnContext &) = delete;
    BnContext &operator=(const BnContext &) = delete;

    /// Ok, or Internal with the first OpenSSL error text.
    Status status() const;

    BigNum add(const BigNum &a, const BigNum &b);
    BigNum mul(const BigNum &a, const BigNum &b);
    /// a mod m, in [0, m).
    BigNum mod(const BigNum &a, const BigNum &m);
    BigNum modAdd(const BigNum &a, const BigNum &b, const BigNum &m);
    /// (a - b) mod m, in [0, m).
    BigNum modSub(const BigNum &a, const BigNum &b, const BigNum &m);
    BigNum modMul(const BigNum &a, const BigNum &b, const BigNum &m);
    /// base^exp mod m in constant time (BN_mod_exp_mont_consttime); `m` must be odd. Use for
    /// secret exponents.
    BigNum modExpSecret(const BigNum &base, const BigNum &exp, const BigNum &m);
    /// base^exp mod m, variable time: only for public exponents.
    BigNum modExpPublic(const BigNum &base, const BigNum &exp, const BigNum &m);

private:
    BigNum fail(const char *what);
    BigNum newResult();
    bool operandsValid(std::initializer_list<const BigNum *> operands);

    bignum_ctx *m_ctx = nullptr;
    QString m_error;
};

/// Fills `size` bytes from the OpenSSL CSPRNG (RAND_bytes). Aborts the process if OpenSSL cannot
/// provide randomness: there is no secure fallback (random.h).
QByteArray systemRandomBytes(int size);

} // namespace prov::crypto
