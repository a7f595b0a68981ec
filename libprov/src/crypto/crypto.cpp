// SPDX-License-Identifier: Apache-2.0
#include "crypto/crypto.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <cstdlib>

namespace prov::crypto {

namespace {

/// "what: <first queued OpenSSL error>", draining the thread's OpenSSL error queue so that a stale
/// error never leaks into the next report.
QString opensslError(const char *what)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return QString::fromLatin1(what);
    char text[256] = {};
    ERR_error_string_n(code, text, sizeof text);
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QLatin1String(text));
}

const unsigned char *bytesOf(QByteArrayView view)
{
    // OpenSSL wants a non-null pointer even for zero-length input.
    static const unsigned char empty = 0;
    return view.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(view.data());
}

unsigned char *bytesOf(QByteArray &array)
{
    return reinterpret_cast<unsigned char *>(array.data());
}

bool fitsInt(qsizetype size)
{
    return size >= 0 && size <= INT_MAX - kGcmTagBytes;
}

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

} // namespace

// ---- wiping and comparison

void secureWipe(void *data, qsizetype size)
{
    if (data != nullptr && size > 0)
        OPENSSL_cleanse(data, static_cast<size_t>(size));
}

void secureWipe(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        secureWipe(bytes.data(), bytes.size());
    bytes.clear();
}

bool constantTimeEqual(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), static_cast<size_t>(a.size())) == 0;
}

// ---- SecureBytes

SecureBytes::SecureBytes(qsizetype size)
    : m_data(size, '\0')
{ }

SecureBytes::SecureBytes(QByteArrayView bytes)
    : m_data(bytes.data(), bytes.size())
{ }

SecureBytes::SecureBytes(QByteArray &&bytes)
    : m_data(std::move(bytes))
{
    m_data.detach();
}

SecureBytes::SecureBytes(SecureBytes &&other) noexcept
{
    m_data.swap(other.m_data);
}

SecureBytes &SecureBytes::operator=(SecureBytes &&other) noexcept
{
    if (this != &other) {
        wipe();
        m_data.swap(other.m_data);
    }
    return *this;
}

SecureBytes::~SecureBytes()
{
    wipe();
}

void SecureBytes::wipe()
{
    secureWipe(m_data);
}

// ---- digests

struct Digest::Impl
{
    EVP_MD_CTX *ctx = nullptr;
    QString error;
    ~Impl() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(Algorithm algorithm)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->ctx = EVP_MD_CTX_new();
    const EVP_MD *md = algorithm == Algorithm::Sha256 ? EVP_sha256() : EVP_sha512();
    if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, md, nullptr) != 1)
        m_impl->error = opensslError("digest init failed");
}

Digest::~Digest() = default;

Digest &Digest::update(QByteArrayView data)
{
    if (m_impl->error.isEmpty() && !data.isEmpty()
        && EVP_DigestUpdate(m_impl->ctx, data.data(), static_cast<size_t>(data.size())) != 1)
        m_impl->error = opensslError("digest update failed");
    return *this;
}

Result<SecureBytes> Digest::finish()
{
    if (!m_impl->error.isEmpty())
        return makeError(ErrorCode::Internal, m_impl->error);
    SecureBytes out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(m_impl->ctx, reinterpret_cast<unsigned char *>(out.data()), &length) != 1)
        return makeError(ErrorCode::Internal, opensslError("digest final failed"));
    return SecureBytes(out.first(length));
}

Result<SecureBytes> sha256(QByteArrayView data)
{
    return Digest(Digest::Algorithm::Sha256).update(data).finish();
}

Result<SecureBytes> sha512(QByteArrayView data)
{
    return Digest(Digest::Algorithm::Sha512).update(data).finish();
}

// ---- X25519

void PkeyDeleter::operator()(evp_pkey_st *key) const
{
    EVP_PKEY_free(key);
}

Result<X25519Key> X25519Key::fromPrivate(QByteArrayView privateKey)
{
    if (privateKey.size() != 32)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("X25519 private key must be 32 bytes"));
    X25519Key key;
    key.m_key.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, bytesOf(privateKey), 32));
    if (!key.m_key)
        return makeError(ErrorCode::Internal, opensslError("X25519 key creation failed"));
    return key;
}

QByteArray X25519Key::publicKey() const
{
    QByteArray out(32, '\0');
    size_t length = 32;
    if (!m_key || EVP_PKEY_get_raw_public_key(m_key.get(), bytesOf(out), &length) != 1 || length != 32) {
        ERR_clear_error();
        return {};
    }
    return out;
}

Result<SecureBytes> X25519Key::derive(QByteArrayView peerPublic) const
{
    if (peerPublic.size() != 32)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("X25519 public key must be 32 bytes"));
    if (!m_key)
        return makeError(ErrorCode::Internal, QStringLiteral("X25519 key not initialised"));
    std::unique_ptr<EVP_PKEY, PkeyDeleter> peer(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, bytesOf(peerPublic), 32));
    if (!peer)
        return makeError(ErrorCode::InvalidArgument, opensslError("invalid X25519 public key"));
    std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX *)> ctx(
        EVP_PKEY_CTX_new(m_key.get(), nullptr), EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        return makeError(ErrorCode::Internal, opensslError("X25519 derive init failed"));
    if (EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1)
        return makeError(ErrorCode::InvalidArgument, opensslError("X25519 peer rejected"));
    SecureBytes shared(32);
    size_t length = 32;
    // OpenSSL refuses an all-zero result (a low-order peer point), which is what we want.
    if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char *>(shared.data()), &length) != 1
        || length != 32)
        return makeError(ErrorCode::InvalidArgument, opensslError("X25519 derivation failed"));
    return shared;
}

// ---- AES-256-CTR

void CipherCtxDeleter::operator()(evp_cipher_ctx_st *ctx) const
{
    EVP_CIPHER_CTX_free(ctx); // also cleanses the expanded key
}

Result<AesCtrStream> AesCtrStream::create(QByteArrayView key, QByteArrayView iv)
{
    if (key.size() != 32 || iv.size() != 16)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("AES-256-CTR needs a 32-byte key and 16-byte IV"));
    AesCtrStream stream;
    stream.m_ctx.reset(EVP_CIPHER_CTX_new());
    if (!stream.m_ctx
        || EVP_EncryptInit_ex(stream.m_ctx.get(), EVP_aes_256_ctr(), nullptr, bytesOf(key), bytesOf(iv)) != 1)
        return makeError(ErrorCode::Internal, opensslError("AES-CTR init failed"));
    return stream;
}

Result<QByteArray> AesCtrStream::apply(QByteArrayView input)
{
    if (!m_ctx)
        return makeError(ErrorCode::Internal, QStringLiteral("AES-CTR stream not initialised"));
    if (!fitsInt(input.size()))
        return makeError(ErrorCode::Internal, QStringLiteral("AES-CTR input too large"));
    QByteArray out(input.size(), '\0');
    if (input.isEmpty())
        return out;
    int written = 0;
    // EVP keeps the partial-block offset between calls, so consecutive calls continue one keystream.
    if (EVP_EncryptUpdate(m_ctx.get(), bytesOf(out), &written, bytesOf(input), static_cast<int>(input.size()))
            != 1
        || written != input.size())
        return makeError(ErrorCode::Internal, opensslError("AES-CTR update failed"));
    return out;
}

// ---- AES-256-GCM

namespace {

/// Creates an AES-256-GCM context with a possibly non-96-bit IV (EVP_CTRL_GCM_SET_IVLEN).
Result<CipherCtxPtr> gcmContext(bool encrypt, QByteArrayView key, QByteArrayView iv)
{
    if (key.size() != 32 || iv.isEmpty() || iv.size() > 128)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("AES-256-GCM needs a 32-byte key and an IV"));
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx
        || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1
        || EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytesOf(key), bytesOf(iv), -1) != 1)
        return makeError(ErrorCode::Internal, opensslError("AES-GCM init failed"));
    return ctx;
}

} // namespace

Result<QByteArray> gcmSeal(QByteArrayView key, QByteArrayView iv, QByteArrayView plaintext)
{
    if (!fitsInt(plaintext.size()))
        return makeError(ErrorCode::Internal, QStringLiteral("AES-GCM input too large"));
    auto ctx = gcmContext(true, key, iv);
    if (!ctx)
        return ctx.error();
    QByteArray out(plaintext.size() + kGcmTagBytes, '\0');
    int written = 0;
    int finalWritten = 0;
    if ((!plaintext.isEmpty()
            && EVP_EncryptUpdate(
                   ctx->get(), bytesOf(out), &written, bytesOf(plaintext), static_cast<int>(plaintext.size()))
                != 1)
        || EVP_EncryptFinal_ex(ctx->get(), bytesOf(out) + written, &finalWritten) != 1
        || written + finalWritten != plaintext.size()
        || EVP_CIPHER_CTX_ctrl(
               ctx->get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, bytesOf(out) + plaintext.size())
            != 1)
        return makeError(ErrorCode::Internal, opensslError("AES-GCM encryption failed"));
    return out;
}

Result<QByteArray> gcmOpen(QByteArrayView key, QByteArrayView iv, QByteArrayView sealed)
{
    if (sealed.size() < kGcmTagBytes)
        return makeError(
            ErrorCode::DecryptFailed, QStringLiteral("AES-GCM message shorter than its 16-byte tag"));
    if (!fitsInt(sealed.size()))
        return makeError(ErrorCode::DecryptFailed, QStringLiteral("AES-GCM input too large"));
    auto ctx = gcmContext(false, key, iv);
    if (!ctx)
        return ctx.error();
    const qsizetype textSize = sealed.size() - kGcmTagBytes;
    QByteArray tag(sealed.data() + textSize, kGcmTagBytes);
    QByteArray out(textSize, '\0');
    int written = 0;
    int finalWritten = 0;
    if ((textSize > 0
            && EVP_DecryptUpdate(
                   ctx->get(), bytesOf(out), &written, bytesOf(sealed), static_cast<int>(textSize))
                != 1)
        || EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) != 1)
        return makeError(ErrorCode::Internal, opensslError("AES-GCM decryption failed"));
    if (EVP_DecryptFinal_ex(ctx->get(), bytesOf(out) + written, &finalWritten) != 1) {
        // Never hand out unauthenticated plaintext, not even in memory we free.
        secureWipe(out);
        ERR_clear_error();
        return makeError(ErrorCode::DecryptFailed, QStringLiteral("AES-GCM authentication tag mismatch"));
    }
    return out;
}

// ---- BIGNUM

void BigNumDeleter::operator()(bignum_st *bn) const
{
    BN_clear_free(bn);
}

BigNum BigNum::fromBytes(QByteArrayView bigEndian)
{
    if (bigEndian.size() > INT_MAX)
        return {};
    return BigNum(BN_bin2bn(bytesOf(bigEndian), static_cast<int>(bigEndian.size()), nullptr));
}

BigNum BigNum::fromWord(quint64 value)
{
    BigNum result(BN_new());
    if (result.m_bn && BN_set_word(result.m_bn.get(), value) != 1)
        result.m_bn.reset();
    return result;
}

bool BigNum::isZero() const
{
    return m_bn && BN_is_zero(m_bn.get());
}

int BigNum::byteLength() const
{
    return m_bn ? BN_num_bytes(m_bn.get()) : 0;
}

SecureBytes BigNum::toBytes(int length) const
{
    if (!m_bn || length < 0)
        return {};
    SecureBytes out(length);
    if (length == 0)
        return BN_is_zero(m_bn.get()) ? std::move(out) : SecureBytes();
    if (BN_bn2binpad(m_bn.get(), reinterpret_cast<unsigned char *>(out.data()), length) != length)
        return {};
    return out;
}

int BigNum::compare(const BigNum &other) const
{
    return BN_cmp(m_bn.get(), other.m_bn.get());
}

BnContext::BnContext()
    : m_ctx(BN_CTX_new())
{
    if (m_ctx == nullptr)
        m_error = opensslError("BN_CTX_new failed");
}

BnContext::~BnContext()
{
    BN_CTX_free(m_ctx);
}

Status BnContext::status() const
{
    if (m_error.isEmpty())
        return {};
    return makeError(ErrorCode::Internal, m_error);
}

BigNum BnContext::fail(const char *what)
{
    if (m_error.isEmpty())
        m_error = opensslError(what);
    else
        ERR_clear_error();
    return {};
}

BigNum BnContext::newResult()
{
    return BigNum(BN_new());
}

bool BnContext::operandsValid(std::initializer_list<const BigNum *> operands)
{
    if (m_ctx == nullptr)
        return false;
    for (const BigNum *operand : operands) {
        if (!operand->isValid()) {
            if (m_error.isEmpty())
                m_error = QStringLiteral("bignum operand invalid (earlier failure)");
            return false;
        }
    }
    return true;
}

BigNum BnContext::add(const BigNum &a, const BigNum &b)
{
    if (!operandsValid({ &a, &b }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_add(r.get(), a.get(), b.get()) != 1)
        return fail("BN_add failed");
    return r;
}

BigNum BnContext::mul(const BigNum &a, const BigNum &b)
{
    if (!operandsValid({ &a, &b }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_mul(r.get(), a.get(), b.get(), m_ctx) != 1)
        return fail("BN_mul failed");
    return r;
}

BigNum BnContext::mod(const BigNum &a, const BigNum &m)
{
    if (!operandsValid({ &a, &m }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_nnmod(r.get(), a.get(), m.get(), m_ctx) != 1)
        return fail("BN_nnmod failed");
    return r;
}

BigNum BnContext::modAdd(const BigNum &a, const BigNum &b, const BigNum &m)
{
    if (!operandsValid({ &a, &b, &m }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_mod_add(r.get(), a.get(), b.get(), m.get(), m_ctx) != 1)
        return fail("BN_mod_add failed");
    return r;
}

BigNum BnContext::modSub(const BigNum &a, const BigNum &b, const BigNum &m)
{
    if (!operandsValid({ &a, &b, &m }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_mod_sub(r.get(), a.get(), b.get(), m.get(), m_ctx) != 1)
        return fail("BN_mod_sub failed");
    return r;
}

BigNum BnContext::modMul(const BigNum &a, const BigNum &b, const BigNum &m)
{
    if (!operandsValid({ &a, &b, &m }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_mod_mul(r.get(), a.get(), b.get(), m.get(), m_ctx) != 1)
        return fail("BN_mod_mul failed");
    return r;
}

BigNum BnContext::modExpSecret(const BigNum &base, const BigNum &exp, const BigNum &m)
{
    // Reduce first so the constant-time routine always sees base in [0, m).
    BigNum reduced = mod(base, m);
    if (!operandsValid({ &reduced, &exp, &m }))
        return {};
    BigNum r = newResult();
    if (!r.isValid()
        || BN_mod_exp_mont_consttime(r.get(), reduced.get(), exp.get(), m.get(), m_ctx, nullptr) != 1)
        return fail("BN_mod_exp_mont_consttime failed");
    return r;
}

BigNum BnContext::modExpPublic(const BigNum &base, const BigNum &exp, const BigNum &m)
{
    if (!operandsValid({ &base, &exp, &m }))
        return {};
    BigNum r = newResult();
    if (!r.isValid() || BN_mod_exp(r.get(), base.get(), exp.get(), m.get(), m_ctx) != 1)
        return fail("BN_mod_exp failed");
    return r;
}

// ---- randomness

QByteArray systemRandomBytes(int size)
{
    QByteArray out(qMax(size, 0), '\0');
    if (size > 0 && RAND_bytes(bytesOf(out), size) != 1) {
        // No secure fallback exists; continuing would produce predictable keys (random.h contract).
        qFatal("OpenSSL RAND_bytes failed: %s", qPrintable(opensslError("RAND_bytes")));
    }
    return out;
}

} // namespace prov::crypto
