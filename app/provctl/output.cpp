// SPDX-License-Identifier: Apache-2.0
// What provctl prints, in one place: the bytes are part of the interface (docs/provctl.md), so every
// command reports through these helpers.
#include "output.h"

#include "exitcodes.h"
#include "options.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

using namespace prov;

namespace provctl {

int usage(const QString &why)
{
    std::fprintf(stderr, "provctl: %s\nTry 'provctl --help'.\n", qPrintable(why));
    return Usage;
}

void progress(const Options &o, const QString &line)
{
    if (!o.quiet)
        std::fprintf(stderr, "%s\n", qPrintable(line));
}

void printJson(const QJsonObject &object)
{
    std::printf("%s\n", QJsonDocument(object).toJson(QJsonDocument::Compact).constData());
}

QString adviceFor(ErrorCode code, TransportKind transport)
{
    const bool ble = transport == TransportKind::Ble;
    switch (code) {
    case ErrorCode::AdapterPoweredOff:
        return QStringLiteral("power the Bluetooth adapter on (e.g. 'bluetoothctl power on') and retry");
    case ErrorCode::Unavailable:
        return ble ? QStringLiteral("no usable Bluetooth adapter: plug one in and check that bluetoothd "
                                    "is running ('systemctl status bluetooth')")
                   : QStringLiteral(
                       "NetworkManager is not running on the system bus: start it ("
                       "'systemctl start NetworkManager'), or give a device already reachable as HOST:PORT");
    case ErrorCode::NoWifiInterface:
        return QStringLiteral("NetworkManager has no usable Wi-Fi interface (or not the one given with "
                              "--wifi-interface): see 'nmcli device'");
    case ErrorCode::WifiDisabled:
        return QStringLiteral("Wi-Fi is switched off: 'nmcli radio wifi on' (and check 'rfkill list')");
    case ErrorCode::PermissionDenied:
        return QStringLiteral("NetworkManager (polkit) refused: run provctl as a user allowed to scan and "
                              "change network connections (an active local session, or a polkit rule for "
                              "org.freedesktop.NetworkManager.*)");
    case ErrorCode::AccessPointNotFound:
        return QStringLiteral("the device's SoftAP is not in the scan results: check that the device is "
                              "powered, in provisioning mode and near the station ('provctl scan-devices "
                              "--transport softap')");
    case ErrorCode::SoftApAuthFailed:
        return QStringLiteral("the SoftAP refused its password: give the right one with --softap-password - "
                              "(one line on stdin), or none for an open SoftAP");
    case ErrorCode::DhcpTimeout:
        return QStringLiteral("joined the SoftAP but got no address: the device's DHCP server may be "
                              "overloaded; retry, or raise --join-timeout-ms");
    case ErrorCode::PairingRequired:
        return QStringLiteral("the device requires an encrypted link: pair it first (e.g. 'bluetoothctl pair "
                              "ADDRESS'), or use firmware without BLE force-encryption, then retry");
    case ErrorCode::ConnectFailed:
        return ble ? QStringLiteral("check that the device is powered, in provisioning mode and in range")
                   : QString();
    case ErrorCode::PayloadTooLarge:
        return ble ? QStringLiteral("the request exceeds what the device can store (481 bytes on Bluedroid); "
                                    "use --ble-max-request 512 only for NimBLE firmware")
                   : QString();
    case ErrorCode::AlreadyProvisioned:
        return QStringLiteral(
            "the record shows this device provisioned before: put it aside, or run the batch "
            "with a profile whose \"duplicates\" is \"warn\" to provision it again");
    default:
        return {};
    }
}

QJsonObject errorJson(const Error &e, TransportKind transport)
{
    QJsonObject j { { QStringLiteral("code"), errorCodeName(e.code) }, { QStringLiteral("detail"), e.detail },
        { QStringLiteral("exit_code"), int(exitCodeFor(e.code)) } };
    const QString advice = adviceFor(e.code, transport);
    if (!advice.isEmpty())
        j.insert(QStringLiteral("advice"), advice);
    return j;
}

int reportFailure(const Options &o, QJsonObject result, const Error &e, const QString &label)
{
    const int exitCode = exitCodeFor(e.code);
    result.insert(QStringLiteral("ok"), false);
    result.insert(QStringLiteral("error"), errorJson(e, o.transport));
    if (o.json)
        printJson(result);
    else if (!label.isEmpty())
        std::printf("%s: failed (exit %d) %s\n", qPrintable(label), exitCode, qPrintable(e.toString()));
    std::fflush(stdout);
    std::fprintf(stderr, "provctl: %s%s failed: %s\n",
        label.isEmpty() ? "" : qPrintable(label + QStringLiteral(": ")), qPrintable(commandName(o.command)),
        qPrintable(e.toString()));
    const QString advice = adviceFor(e.code, o.transport);
    if (!advice.isEmpty())
        std::fprintf(stderr, "provctl: advice: %s\n", qPrintable(advice));
    return exitCode;
}

QString hex(const QByteArray &bytes, char separator)
{
    return QString::fromLatin1(bytes.toHex(separator));
}

QJsonObject statusJson(const WifiStatus &s)
{
    QJsonObject o { { QStringLiteral("state"), wifiStateName(s.state) } };
    if (s.state == WifiState::Connected) {
        o.insert(QStringLiteral("ip4"), s.ip4);
        o.insert(QStringLiteral("ssid"), QString::fromUtf8(s.ssid));
        o.insert(QStringLiteral("bssid"), hex(s.bssid));
        o.insert(QStringLiteral("channel"), s.channel);
        o.insert(QStringLiteral("auth_mode"), authModeName(s.authMode));
    }
    if (s.failReason)
        o.insert(QStringLiteral("fail_reason"),
            *s.failReason == WifiFailReason::AuthError ? QStringLiteral("AuthError")
                                                       : QStringLiteral("NetworkNotFound"));
    if (s.attemptsRemaining)
        o.insert(QStringLiteral("attempts_remaining"), *s.attemptsRemaining);
    return o;
}

QString statusLine(const WifiStatus &s)
{
    if (s.state == WifiState::Connected)
        return QStringLiteral("Connected: ip %1, ssid \"%2\", bssid %3, channel %4, %5")
            .arg(s.ip4, QString::fromUtf8(s.ssid), hex(s.bssid))
            .arg(s.channel)
            .arg(authModeName(s.authMode));
    QString line = wifiStateName(s.state);
    if (s.attemptsRemaining)
        line += QStringLiteral(" (attempt failed, %1 left)").arg(*s.attemptsRemaining);
    return line;
}

QJsonObject deviceJson(const DeviceInfo &info)
{
    return { { QStringLiteral("prov_version"), info.protoVersion.provVersion },
        { QStringLiteral("capabilities"), QJsonArray::fromStringList(info.protoVersion.capabilities) },
        { QStringLiteral("sec_ver"), info.secVer }, { QStringLiteral("sec_patch_ver"), info.sec2PatchVer } };
}

} // namespace provctl
