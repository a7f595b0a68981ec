// SPDX-License-Identifier: Apache-2.0
// provctl: provision ESP-IDF unified-provisioning devices from scripts and CI lines. Flags follow
// Espressif's esp_prov (both --service-name and --service_name spellings are accepted).

#include "exitcodes.h"

#include "prov/httptransport.h"
#include "prov/provisioner.h"
#include "prov/qrpayload.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <functional>

using namespace prov;

namespace {

const QStringList kCommands = {QStringLiteral("provision"), QStringLiteral("scan"),   QStringLiteral("status"),
                               QStringLiteral("reset"),     QStringLiteral("reprov"), QStringLiteral("custom"),
                               QStringLiteral("qr")};

struct Options
{
    QString command;
    QString host;
    quint16 port = 80;
    SecurityOptions security;
    WifiCredentials credentials;
    ProvisionOptions provision;
    ScanOptions scan;
    QString endpoint;
    QByteArray data;
    QByteArray qr;
    int timeoutMs = 5000;
    bool json = false;
    bool quiet = false;
};

void progress(const Options &o, const QString &line)
{
    if (!o.quiet)
        std::fprintf(stderr, "%s\n", qPrintable(line));
}

int fail(const Options &o, const Error &e, QJsonObject result = {})
{
    if (o.json) {
        result.insert(QStringLiteral("ok"), false);
        result.insert(QStringLiteral("command"), o.command);
        result.insert(QStringLiteral("error"),
                      QJsonObject{{QStringLiteral("code"), errorCodeName(e.code)},
                                  {QStringLiteral("detail"), e.detail},
                                  {QStringLiteral("exit_code"), int(provctl::exitCodeFor(e.code))}});
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    }
    std::fprintf(stderr, "provctl: %s failed: %s\n", qPrintable(o.command), qPrintable(e.toString()));
    return provctl::exitCodeFor(e.code);
}

int usage(const QString &why)
{
    std::fprintf(stderr, "provctl: %s\nTry 'provctl --help'.\n", qPrintable(why));
    return provctl::Usage;
}

QString hex(const QByteArray &b, char sep = ':')
{
    return QString::fromLatin1(b.toHex(sep));
}

QJsonObject statusJson(const WifiStatus &s)
{
    QJsonObject o{{QStringLiteral("state"), wifiStateName(s.state)}};
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
    return {{QStringLiteral("prov_version"), info.protoVersion.provVersion},
            {QStringLiteral("capabilities"), QJsonArray::fromStringList(info.protoVersion.capabilities)},
            {QStringLiteral("sec_ver"), info.secVer},
            {QStringLiteral("sec_patch_ver"), info.sec2PatchVer}};
}

/// Parses the command line into Options. Returns an exit code on error, -1 to go on.
int parseOptions(const QCoreApplication &app, Options &o)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Provision ESP-IDF unified-provisioning devices.\n\nCommands:\n"
        "  provision  proto-ver, handshake, SetConfig, Apply, wait for Connected (default)\n"
        "  scan       list the Wi-Fi networks the device sees\n"
        "  status     read the device's Wi-Fi status once\n"
        "  reset      prov-ctrl reset (after a failed attempt)\n"
        "  reprov     prov-ctrl re-provision\n"
        "  custom     send --data to a custom --endpoint\n"
        "  qr         parse a QR payload (--qr) and print it with secrets masked"));
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("One of: %1").arg(kCommands.join(u", ")));
    auto opt = [&p](QStringList names, const char *help, const char *valueName = nullptr) {
        QCommandLineOption option(names, QString::fromLatin1(help));
        if (valueName)
            option.setValueName(QString::fromLatin1(valueName));
        p.addOption(option);
    };
    opt({QStringLiteral("transport")}, "softap (ble: see docs/provctl.md).", "mode");
    opt({QStringLiteral("service-name"), QStringLiteral("service_name")}, "Device address HOST:PORT (SoftAP).",
        "host:port");
    opt({QStringLiteral("sec-ver"), QStringLiteral("sec_ver")}, "Force security scheme 0/1/2 (default: from proto-ver).",
        "n");
    opt({QStringLiteral("sec2-patch"), QStringLiteral("sec_patch_ver")},
        "Force the Security 2 patch version (default: from proto-ver).", "n");
    opt({QStringLiteral("pop")}, "Security 1 proof of possession.", "pop");
    opt({QStringLiteral("sec2-username"), QStringLiteral("sec2_username")}, "Security 2 username.", "user");
    opt({QStringLiteral("sec2-pwd"), QStringLiteral("sec2_pwd")}, "Security 2 password.", "pwd");
    opt({QStringLiteral("ssid")}, "Wi-Fi SSID to provision.", "ssid");
    opt({QStringLiteral("passphrase")}, "Wi-Fi passphrase ('-' reads one line from stdin).", "pass");
    opt({QStringLiteral("bssid")}, "Optional BSSID (aa:bb:cc:dd:ee:ff).", "bssid");
    opt({QStringLiteral("channel")}, "Optional channel.", "n");
    opt({QStringLiteral("qr")}, "Take name/transport/PoP/username from a QR JSON payload.", "json");
    opt({QStringLiteral("endpoint")}, "Custom endpoint name (custom).", "name");
    opt({QStringLiteral("data"), QStringLiteral("custom_data")}, "Custom endpoint payload as text.", "text");
    opt({QStringLiteral("data-hex")}, "Custom endpoint payload as hex.", "hex");
    opt({QStringLiteral("timeout")}, "Per-request timeout in ms (default 5000).", "ms");
    opt({QStringLiteral("connect-timeout")}, "Overall Wi-Fi connect timeout in ms (default 60000).", "ms");
    opt({QStringLiteral("poll-interval")}, "GetStatus poll interval in ms (default 1000).", "ms");
    opt({QStringLiteral("page-size")}, "Scan results per request (default 4).", "n");
    opt({QStringLiteral("reset")}, "esp_prov compatibility: same as the reset command.");
    opt({QStringLiteral("reprov")}, "esp_prov compatibility: same as the reprov command.");
    opt({QStringLiteral("json")}, "Print one JSON result object on stdout.");
    opt({QStringLiteral("quiet"), QStringLiteral("q")}, "No progress on stderr.");
    opt({QStringLiteral("verbose")}, "Accepted for esp_prov compatibility.");
    p.process(app);

    const QStringList args = p.positionalArguments();
    o.command = args.value(0, p.isSet(QStringLiteral("reset")) ? QStringLiteral("reset")
                                 : p.isSet(QStringLiteral("reprov")) ? QStringLiteral("reprov")
                                                                     : QStringLiteral("provision"));
    if (!kCommands.contains(o.command))
        return usage(QStringLiteral("unknown command '%1'").arg(o.command));
    o.json = p.isSet(QStringLiteral("json"));
    o.quiet = p.isSet(QStringLiteral("quiet"));

    if (p.isSet(QStringLiteral("qr"))) {
        o.qr = p.value(QStringLiteral("qr")).toUtf8();
        auto qr = parseQrPayload(o.qr);
        if (!qr)
            return usage(QStringLiteral("--qr: %1").arg(qr.error().detail));
        if (!qr->pop.isEmpty()) {
            o.security.pop = qr->pop.toUtf8();
            o.security.password = qr->pop.toUtf8(); // Security 2 password travels in "pop" (§11)
        }
        o.security.username = qr->username.toUtf8();
        if (qr->security)
            o.security.secVer = *qr->security;
        if (qr->transport != QLatin1String("softap") && o.command != QLatin1String("qr"))
            return usage(QStringLiteral("the QR payload asks for transport '%1'; this build speaks softap")
                             .arg(qr->transport));
    }
    const QString transport = p.value(QStringLiteral("transport"));
    if (!transport.isEmpty() && transport != QLatin1String("softap") && transport != QLatin1String("httpd"))
        return usage(QStringLiteral("--transport %1 is not supported yet (softap only)").arg(transport));

    const QString service = p.value(QStringLiteral("service-name"));
    if (o.command != QLatin1String("qr")) {
        if (service.isEmpty())
            return usage(QStringLiteral("--service-name HOST:PORT is required (the SoftAP default is %1:80)")
                             .arg(QLatin1String(HttpTransport::kDefaultHost)));
        const qsizetype colon = service.lastIndexOf(QLatin1Char(':'));
        o.host = colon < 0 ? service : service.left(colon);
        bool ok = true;
        const uint port = colon < 0 ? 80 : service.mid(colon + 1).toUInt(&ok);
        if (!ok || port == 0 || port > 65535 || o.host.isEmpty())
            return usage(QStringLiteral("--service-name must be HOST:PORT, got '%1'").arg(service));
        o.port = quint16(port);
    }

    auto intOption = [&p](const char *name, int def, bool *ok) {
        const QString v = p.value(QString::fromLatin1(name));
        if (v.isEmpty())
            return def;
        return v.toInt(ok);
    };
    bool ok = true;
    if (p.isSet(QStringLiteral("sec-ver")))
        o.security.secVer = intOption("sec-ver", 0, &ok);
    if (p.isSet(QStringLiteral("sec2-patch")))
        o.security.sec2PatchVer = intOption("sec2-patch", 0, &ok);
    o.timeoutMs = intOption("timeout", 5000, &ok);
    o.provision.connectTimeoutMs = intOption("connect-timeout", 60000, &ok);
    o.provision.pollIntervalMs = intOption("poll-interval", 1000, &ok);
    o.provision.firstPollDelayMs = 0;
    o.scan.pageSize = intOption("page-size", 4, &ok);
    o.credentials.channel = intOption("channel", 0, &ok);
    if (!ok)
        return usage(QStringLiteral("a numeric option has a non-numeric value"));
    if (p.isSet(QStringLiteral("pop")))
        o.security.pop = p.value(QStringLiteral("pop")).toUtf8();
    if (p.isSet(QStringLiteral("sec2-username")))
        o.security.username = p.value(QStringLiteral("sec2-username")).toUtf8();
    if (p.isSet(QStringLiteral("sec2-pwd")))
        o.security.password = p.value(QStringLiteral("sec2-pwd")).toUtf8();

    o.credentials.ssid = p.value(QStringLiteral("ssid")).toUtf8();
    QString passphrase = p.value(QStringLiteral("passphrase"));
    if (passphrase == QLatin1String("-")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return usage(QStringLiteral("cannot read the passphrase from stdin"));
        passphrase = QString::fromUtf8(in.readLine().trimmed());
    }
    o.credentials.passphrase = passphrase.toUtf8();
    o.credentials.bssid = QByteArray::fromHex(p.value(QStringLiteral("bssid")).remove(QLatin1Char(':')).toLatin1());
    if (o.command == QLatin1String("provision") && o.credentials.ssid.isEmpty())
        return usage(QStringLiteral("provision needs --ssid"));

    o.endpoint = p.value(QStringLiteral("endpoint"));
    o.data = p.isSet(QStringLiteral("data-hex")) ? QByteArray::fromHex(p.value(QStringLiteral("data-hex")).toLatin1())
                                                 : p.value(QStringLiteral("data")).toUtf8();
    if (o.command == QLatin1String("custom") && (o.endpoint.isEmpty() || o.data.isEmpty()))
        return usage(QStringLiteral("custom needs --endpoint NAME and --data TEXT (or --data-hex)"));
    return -1;
}

/// Runs one Pending operation to completion inside the event loop.
template <typename T>
Result<T> await(Pending<T> *op)
{
    QEventLoop loop;
    std::optional<Result<T>> out;
    QObject::connect(op, &PendingOperation::finished, &loop, [&] {
        out = op->result();
        loop.quit();
    });
    loop.exec();
    return *out;
}

int runQr(const Options &o)
{
    auto qr = parseQrPayload(o.qr);
    if (!qr)
        return fail(o, qr.error());
    if (o.json) {
        QJsonObject j{{QStringLiteral("ok"), true},
                      {QStringLiteral("name"), qr->name},
                      {QStringLiteral("transport"), qr->transport},
                      {QStringLiteral("username"), qr->username},
                      {QStringLiteral("has_pop"), !qr->pop.isEmpty()},
                      {QStringLiteral("network"), qr->network}};
        if (qr->security)
            j.insert(QStringLiteral("security"), *qr->security);
        std::printf("%s\n", QJsonDocument(j).toJson(QJsonDocument::Compact).constData());
    } else {
        std::printf("%s\n", qPrintable(qr->describeMasked()));
    }
    return provctl::Ok;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("provctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROV_VERSION));

    Options o;
    if (const int rc = parseOptions(app, o); rc >= 0)
        return rc;
    if (o.command == QLatin1String("qr"))
        return runQr(o);

    HttpTransport transport(o.host, o.port);
    transport.setTimeout(o.timeoutMs);
    Provisioner provisioner(&transport);
    provisioner.setSecurityOptions(o.security);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&provisioner, &Provisioner::stepChanged, [&](ProvisionStep step) {
        if (step != ProvisionStep::Done && step != ProvisionStep::Idle)
            progress(o, QStringLiteral("[%1 ms] %2").arg(clock.elapsed(), 5).arg(provisionStepName(step)));
    });
    QObject::connect(&provisioner, &Provisioner::wifiStatusChanged, [&](const WifiStatus &s) {
        if (s.state != WifiState::Connected)
            progress(o, QStringLiteral("[%1 ms]   status: %2").arg(clock.elapsed(), 5).arg(statusLine(s)));
    });

    progress(o, QStringLiteral("device %1 (softap)").arg(transport.address()));
    auto info = await(provisioner.connectDevice());
    if (!info)
        return fail(o, info.error());
    progress(o, QStringLiteral("[%1 ms]   %2, Security %3%4, capabilities: %5")
                    .arg(clock.elapsed(), 5)
                    .arg(info->protoVersion.provVersion)
                    .arg(info->secVer)
                    .arg(info->secVer == 2 ? QStringLiteral(" patch %1").arg(info->sec2PatchVer) : QString())
                    .arg(info->protoVersion.capabilities.join(u", ")));
    QJsonObject result{{QStringLiteral("command"), o.command},
                       {QStringLiteral("device"), deviceJson(*info)},
                       {QStringLiteral("address"), transport.address()}};

    if (o.command == QLatin1String("provision")) {
        progress(o, QStringLiteral("provisioning ssid \"%1\" (passphrase %2)")
                        .arg(QString::fromUtf8(o.credentials.ssid),
                             o.credentials.passphrase.isEmpty() ? QStringLiteral("none") : QStringLiteral("********")));
        auto status = await(provisioner.provisionWifi(o.credentials, o.provision));
        if (!status)
            return fail(o, status.error(), result);
        progress(o, QStringLiteral("[%1 ms] %2").arg(clock.elapsed(), 5).arg(statusLine(*status)));
        result.insert(QStringLiteral("status"), statusJson(*status));
    } else if (o.command == QLatin1String("scan")) {
        auto entries = await(provisioner.scanWifi(o.scan));
        if (!entries)
            return fail(o, entries.error(), result);
        QJsonArray list;
        if (!o.json)
            std::printf("%-32s %5s %4s  %-17s  %s\n", "SSID", "RSSI", "CH", "BSSID", "AUTH");
        for (const ScanEntry &e : std::as_const(*entries)) {
            list.append(QJsonObject{{QStringLiteral("ssid"), QString::fromUtf8(e.ssid)},
                                    {QStringLiteral("rssi_dbm"), e.rssi},
                                    {QStringLiteral("channel"), e.channel},
                                    {QStringLiteral("bssid"), hex(e.bssid)},
                                    {QStringLiteral("auth_mode"), authModeName(e.authMode)}});
            if (!o.json)
                std::printf("%-32s %5d %4d  %-17s  %s\n", e.ssid.constData(), e.rssi, e.channel,
                            qPrintable(hex(e.bssid)), qPrintable(authModeName(e.authMode)));
        }
        result.insert(QStringLiteral("networks"), list);
    } else if (o.command == QLatin1String("status")) {
        auto status = await(provisioner.wifiStatus());
        if (!status)
            return fail(o, status.error(), result);
        progress(o, statusLine(*status));
        result.insert(QStringLiteral("status"), statusJson(*status));
    } else if (o.command == QLatin1String("reset") || o.command == QLatin1String("reprov")) {
        auto done = await(o.command == QLatin1String("reset") ? provisioner.resetWifi() : provisioner.reprovisionWifi());
        if (!done)
            return fail(o, done.error(), result);
        progress(o, QStringLiteral("%1: done").arg(o.command));
    } else if (o.command == QLatin1String("custom")) {
        auto response = await(provisioner.customRequest(o.endpoint, o.data));
        if (!response)
            return fail(o, response.error(), result);
        QByteArray shown = *response;
        while (shown.endsWith('\0'))
            shown.chop(1); // example handlers append a NUL (§9.5)
        result.insert(QStringLiteral("response_hex"), QString::fromLatin1(response->toHex()));
        result.insert(QStringLiteral("response_text"), QString::fromUtf8(shown));
        if (!o.json)
            std::printf("%s\n", shown.constData());
    }
    result.insert(QStringLiteral("ok"), true);
    result.insert(QStringLiteral("elapsed_ms"), double(clock.elapsed()));
    if (o.json)
        std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return provctl::Ok;
}
