// SPDX-License-Identifier: Apache-2.0
#include "devices/qrsource.h"

#include "applogging.h"

#include "prov/qrpayload.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace {
// A QR code holds at most ~3 KB; anything longer is not a provisioning payload.
constexpr qsizetype kMaxPayloadChars = 4096;

/// The esp-jumpstart page URL that the examples print (§11) carries the JSON in `data=`.
QByteArray payloadFromText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(QLatin1String("http://"), Qt::CaseInsensitive)
        || trimmed.startsWith(QLatin1String("https://"), Qt::CaseInsensitive)) {
        const QUrlQuery query(QUrl(trimmed).query());
        const QString data = query.queryItemValue(QStringLiteral("data"), QUrl::FullyDecoded);
        if (!data.isEmpty())
            return data.toUtf8();
    }
    return trimmed.toUtf8();
}
} // namespace

prov::Result<DeviceEntry> QrSource::entryFromPayload(const QByteArray &payload)
{
    prov::Result<prov::QrPayload> qr = prov::parseQrPayload(payload);
    if (!qr)
        return qr.error();
    DeviceEntry entry;
    entry.serviceName = qr->name;
    // parseQrPayload() accepts the two known transport names only; the kind is parsed here, once.
    const std::optional<prov::TransportKind> kind = prov::transportKindFromName(qr->transport);
    if (!kind)
        return prov::makeError(prov::ErrorCode::MalformedMessage,
            QStringLiteral("QR payload: \"transport\" must be \"softap\" or \"ble\""));
    entry.transport = *kind;
    entry.secVer = qr->security;
    entry.origins = int(DeviceOrigin::Qr);
    entry.credentials.pop = qr->pop.toUtf8();
    entry.credentials.username = qr->username.toUtf8();
    // The SoftAP's WPA2 passphrase (secret, memory only): joining the SoftAP by SSID uses it.
    entry.credentials.softApPassword = qr->password.toUtf8();
    return entry;
}

bool QrSource::submit(const QString &text)
{
    auto fail = [this](const QString &reason) {
        m_lastError = reason;
        Q_EMIT lastErrorChanged();
        Q_EMIT rejected(reason);
        qCInfo(lcWsDevices) << "QR payload refused:" << reason;
        return false;
    };
    if (text.trimmed().isEmpty())
        return fail(tr("The QR code is empty."));
    if (text.size() > kMaxPayloadChars)
        return fail(tr("This is not a provisioning QR code (too long)."));
    prov::Result<DeviceEntry> entry = entryFromPayload(payloadFromText(text));
    if (!entry) {
        // The detail names the offending field; it never contains the PoP (error.h).
        QString why = entry.error().detail;
        why.remove(QRegularExpression(QStringLiteral("^QR payload: ")));
        return fail(tr("Not a provisioning QR code: %1.").arg(why));
    }
    m_lastAccepted = entry->serviceName;
    if (!m_lastError.isEmpty()) {
        m_lastError.clear();
        Q_EMIT lastErrorChanged();
    }
    qCInfo(lcWsDevices) << "QR device" << entry->serviceName << prov::transportKindName(entry->transport);
    Q_EMIT deviceSeen(*entry);
    Q_EMIT accepted(m_lastAccepted);
    return true;
}

bool QrSource::submitClipboardText()
{
    const auto *app = qobject_cast<QGuiApplication *>(QCoreApplication::instance());
    const QString text = app ? QGuiApplication::clipboard()->text() : QString();
    if (text.trimmed().isEmpty())
        return false;
    submit(text);
    return true;
}
