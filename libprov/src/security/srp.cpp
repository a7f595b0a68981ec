// SPDX-License-Identifier: Apache-2.0
#include "security/srp.h"

namespace prov::srp {

using crypto::BigNum;
using crypto::BnContext;
using crypto::Digest;
using crypto::SecureBytes;

namespace {

// RFC 5054 3072-bit group prime (§8.1), identical in esp_srp.c, esp_prov, Android and iOS.
constexpr char kModulusHex[]
    = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
      "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
      "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
      "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
      "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
      "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
constexpr quint64 kGenerator = 5;

/// PAD(g): 383 zero bytes then 05 (§8.2).
QByteArray paddedGenerator()
{
    QByteArray g(kModulusBytes, '\0');
    g[kModulusBytes - 1] = static_cast<char>(kGenerator);
    return g;
}

/// PAD(x) for a value given as at most 384 big-endian bytes: left-pad with zeros.
QByteArray pad(QByteArrayView value)
{
    return QByteArray(kModulusBytes - value.size(), '\0') + value.toByteArray();
}

/// The group as BIGNUMs plus the multiplier k = H(N ‖ PAD(g)) (§8.2).
struct Group
{
    BigNum n = BigNum::fromBytes(modulus());
    BigNum g = BigNum::fromWord(kGenerator);
    BigNum k;
};

Result<Group> loadGroup()
{
    Group group;
    auto k = Digest(Digest::Algorithm::Sha512).update(modulus()).update(paddedGenerator()).finish();
    if (!k)
        return k.error();
    group.k = BigNum::fromBytes(k->view());
    if (!group.n.isValid() || !group.g.isValid() || !group.k.isValid())
        return makeError(ErrorCode::Internal, QStringLiteral("SRP group allocation failed"));
    return group;
}

Error tooLong(const char *what)
{
    return makeError(ErrorCode::InvalidArgument,
        QStringLiteral("SRP %1 is longer than %2 bytes").arg(QLatin1String(what)).arg(kModulusBytes));
}

/// The minimal-length encoding of a computed value, or the context's error.
Result<SecureBytes> minimal(const BnContext &ctx, const BigNum &value)
{
    if (auto status = ctx.status(); !status)
        return status.error();
    return value.toMinimalBytes();
}

} // namespace

QByteArray modulus()
{
    static const QByteArray n = QByteArray::fromHex(kModulusHex);
    return n;
}

Result<SecureBytes> computeX(QByteArrayView salt, QByteArrayView username, QByteArrayView password)
{
    auto inner = Digest(Digest::Algorithm::Sha512).update(username).update(":").update(password).finish();
    if (!inner)
        return inner.error();
    return Digest(Digest::Algorithm::Sha512).update(salt).update(inner->view()).finish();
}

Result<QByteArray> computeVerifier(QByteArrayView salt, QByteArrayView username, QByteArrayView password)
{
    auto group = loadGroup();
    if (!group)
        return group.error();
    auto x = computeX(salt, username, password);
    if (!x)
        return x.error();
    BnContext ctx;
    const BigNum v = ctx.modExpSecret(group->g, BigNum::fromBytes(x->view()), group->n);
    auto bytes = minimal(ctx, v);
    if (!bytes)
        return bytes.error();
    return bytes->toByteArray();
}

Result<QByteArray> computeClientPublic(QByteArrayView a)
{
    auto group = loadGroup();
    if (!group)
        return group.error();
    BnContext ctx;
    const BigNum A = ctx.modExpSecret(group->g, BigNum::fromBytes(a), group->n);
    if (auto status = ctx.status(); !status)
        return status.error();
    return A.toBytes(kModulusBytes).toByteArray();
}

Result<QByteArray> computeDevicePublic(QByteArrayView b, QByteArrayView verifier)
{
    auto group = loadGroup();
    if (!group)
        return group.error();
    BnContext ctx;
    const BigNum kv = ctx.modMul(group->k, BigNum::fromBytes(verifier), group->n);
    const BigNum gb = ctx.modExpSecret(group->g, BigNum::fromBytes(b), group->n);
    auto bytes = minimal(ctx, ctx.modAdd(kv, gb, group->n));
    if (!bytes)
        return bytes.error();
    return bytes->toByteArray();
}

Result<QByteArray> computeU(QByteArrayView clientPublic, QByteArrayView devicePublic)
{
    if (clientPublic.size() > kModulusBytes)
        return tooLong("A");
    if (devicePublic.size() > kModulusBytes)
        return tooLong("B");
    auto u = Digest(Digest::Algorithm::Sha512).update(pad(clientPublic)).update(pad(devicePublic)).finish();
    if (!u)
        return u.error();
    return u->toByteArray();
}

Result<SecureBytes> clientPremaster(QByteArrayView a, QByteArrayView clientPublic,
    QByteArrayView devicePublic, QByteArrayView salt, QByteArrayView username, QByteArrayView password)
{
    auto group = loadGroup();
    if (!group)
        return group.error();
    auto u = computeU(clientPublic, devicePublic);
    if (!u)
        return u.error();
    BnContext ctx;
    const BigNum B = ctx.mod(BigNum::fromBytes(devicePublic), group->n);
    const BigNum uNum = BigNum::fromBytes(*u);
    if (auto status = ctx.status(); !status)
        return status.error();
    // RFC 5054 §2.5.4 safeguards; a device sending B ≡ 0 would force S = 0.
    if (B.isZero())
        return makeError(
            ErrorCode::HandshakeFailed, QStringLiteral("device SRP public value B mod N is zero"));
    if (uNum.isZero())
        return makeError(ErrorCode::HandshakeFailed, QStringLiteral("SRP scrambling parameter u is zero"));
    auto x = computeX(salt, username, password);
    if (!x)
        return x.error();
    const BigNum xNum = BigNum::fromBytes(x->view());
    const BigNum v = ctx.modExpSecret(group->g, xNum, group->n);
    const BigNum base = ctx.modSub(B, ctx.modMul(group->k, v, group->n), group->n);
    // The exponent a + u·x is deliberately not reduced (§8.2); the result is the same mod N anyway.
    const BigNum exponent = ctx.add(BigNum::fromBytes(a), ctx.mul(uNum, xNum));
    return minimal(ctx, ctx.modExpSecret(base, exponent, group->n));
}

Result<SecureBytes> devicePremaster(
    QByteArrayView b, QByteArrayView clientPublic, QByteArrayView devicePublic, QByteArrayView verifier)
{
    auto group = loadGroup();
    if (!group)
        return group.error();
    auto u = computeU(clientPublic, devicePublic);
    if (!u)
        return u.error();
    BnContext ctx;
    const BigNum A = ctx.mod(BigNum::fromBytes(clientPublic), group->n);
    if (auto status = ctx.status(); !status)
        return status.error();
    // Newer esp_srp.c refuses A ≡ 0 (mod N), which would force S = 0 for any password.
    if (A.isZero())
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("client SRP public value A mod N is zero"));
    const BigNum vu = ctx.modExpPublic(BigNum::fromBytes(verifier), BigNum::fromBytes(*u), group->n);
    const BigNum base = ctx.modMul(A, vu, group->n);
    return minimal(ctx, ctx.modExpSecret(base, BigNum::fromBytes(b), group->n));
}

Result<SecureBytes> sessionKey(QByteArrayView premaster)
{
    return crypto::sha512(premaster);
}

Result<QByteArray> clientProof(QByteArrayView username, QByteArrayView salt, QByteArrayView clientPublic,
    QByteArrayView devicePublic, QByteArrayView sessionKey)
{
    auto hashN = crypto::sha512(modulus());
    auto hashG = crypto::sha512(paddedGenerator());
    auto hashI = crypto::sha512(username);
    if (!hashN || !hashG || !hashI)
        return makeError(ErrorCode::Internal, QStringLiteral("SHA-512 failed"));
    QByteArray groupHash = hashN->toByteArray();
    for (qsizetype i = 0; i < groupHash.size(); ++i)
        groupHash[i] = static_cast<char>(groupHash[i] ^ hashG->constData()[i]);
    auto m1 = Digest(Digest::Algorithm::Sha512)
                  .update(groupHash)
                  .update(hashI->view())
                  .update(salt)
                  .update(clientPublic)
                  .update(devicePublic)
                  .update(sessionKey)
                  .finish();
    if (!m1)
        return m1.error();
    return m1->toByteArray();
}

Result<QByteArray> deviceProof(
    QByteArrayView clientPublic, QByteArrayView clientProof, QByteArrayView sessionKey)
{
    auto m2 = Digest(Digest::Algorithm::Sha512)
                  .update(clientPublic)
                  .update(clientProof)
                  .update(sessionKey)
                  .finish();
    if (!m2)
        return m2.error();
    return m2->toByteArray();
}

} // namespace prov::srp
