// SPDX-License-Identifier: Apache-2.0
// provctl: provision ESP-IDF unified-provisioning devices from scripts and CI lines. Flags follow
// Espressif's esp_prov (both --service-name and --service_name spellings are accepted). SoftAP (HTTP)
// and BLE; several devices at once with a repeated --service-name and --parallel N.

#include "exitcodes.h"

#include "prov/bleconnectionlimit.h"
#include "prov/blescanner.h"
#include "prov/bletransport.h"
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
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>

using namespace prov;

namespace {

const QStringList kCommands = { QStringLiteral("provision"), QStringLiteral("scan"), QStringLiteral("status"),
    QStringLiteral("reset"), QStringLiteral("reprov"), QStringLiteral("custom"), QStringLiteral("qr"),
    QStringLiteral("scan-devices") };

enum class Link { SoftAp, Ble };

struct Options
{
    QString command;
    Link link = Link::SoftAp;
    QStringList services; ///< HOST:PORT (SoftAP) or a BLE name / address, one per device
    SecurityOptions security;
    WifiCredentials credentials;
    ProvisionOptions provision;
    ScanOptions scan;
    QString endpoint;
    QByteArray data;
    QByteArray qr;
    int timeoutMs = 5000;
    int parallel = 1;
    int scanTimeoutMs = 10000; ///< BLE: finding the devices by name (and scan-devices' duration)
    int bleConnectTimeoutMs = BleTransport::kDefaultConnectTimeoutMs;
    int bleMaxRequest = BleTransport::kDefaultMaxRequestBytes;
    QString prefix = BleScanner::defaultNamePrefix();
    bool prefixSet = false; ///< --prefix given: match by name only
    bool json = false;
    bool quiet = false;
};

/// One device to work on: where it is and how it is shown.
struct Target
{
    QString label; ///< what the user typed (service name, address or HOST:PORT)
    QString host;
    quint16 port = 80;
    QString bleAddress;
    QUuid bleService;
    std::optional<Error> lookupError; ///< BLE: the device was not found
    /// BLE: `label` is an address, not a name (decided once, not per advertisement)
    bool byBleAddress = false;
};

void progress(const Options &o, const QString &line)
{
    if (!o.quiet)
        std::fprintf(stderr, "%s\n", qPrintable(line));
}

/// Advice for the errors a user can fix at the workstation (docs/architecture.md: advice lives in the app).
QString adviceFor(ErrorCode code, Link link)
{
    switch (code) {
    case ErrorCode::AdapterPoweredOff:
        return QStringLiteral("power the Bluetooth adapter on (e.g. 'bluetoothctl power on') and retry");
    case ErrorCode::Unavailable:
        return link == Link::Ble
            ? QStringLiteral("no usable Bluetooth adapter: plug one in and check that bluetoothd "
                             "is running ('systemctl status bluetooth')")
            : QString();
    case ErrorCode::PairingRequired:
        return QStringLiteral("the device requires an encrypted link: pair it first (e.g. 'bluetoothctl pair "
                              "ADDRESS'), or use firmware without BLE force-encryption, then retry");
    case ErrorCode::ConnectFailed:
        return link == Link::Ble
            ? QStringLiteral("check that the device is powered, in provisioning mode and in range")
            : QString();
    case ErrorCode::PayloadTooLarge:
        return link == Link::Ble
            ? QStringLiteral("the request exceeds what the device can store (481 bytes on Bluedroid); "
                             "use --ble-max-request 512 only for NimBLE firmware")
            : QString();
    default:
        return {};
    }
}

QJsonObject errorJson(const Error &e, Link link)
{
    QJsonObject j { { QStringLiteral("code"), errorCodeName(e.code) }, { QStringLiteral("detail"), e.detail },
        { QStringLiteral("exit_code"), int(provctl::exitCodeFor(e.code)) } };
    const QString advice = adviceFor(e.code, link);
    if (!advice.isEmpty())
        j.insert(QStringLiteral("advice"), advice);
    return j;
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

bool isBleAddress(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"));
    return re.match(s).hasMatch();
}

/// Parses the command line into Options. Returns an exit code on error, -1 to go on.
int parseOptions(const QCoreApplication &app, Options &o)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Provision ESP-IDF unified-provisioning devices over SoftAP (HTTP) or BLE.\n\nCommands:\n"
        "  provision     proto-ver, handshake, SetConfig, Apply, wait for Connected (default)\n"
        "  scan          list the Wi-Fi networks the device sees\n"
        "  status        read the device's Wi-Fi status once\n"
        "  reset         prov-ctrl reset (after a failed attempt)\n"
        "  reprov        prov-ctrl re-provision\n"
        "  custom        send --data to a custom --endpoint\n"
        "  qr            parse a QR payload (--qr) and print it with secrets masked\n"
        "  scan-devices  list nearby BLE provisioning devices with their RSSI"));
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(
        QStringLiteral("command"), QStringLiteral("One of: %1").arg(kCommands.join(u", ")));
    auto opt = [&p](QStringList names, const char *help, const char *valueName = nullptr) {
        QCommandLineOption option(names, QString::fromLatin1(help));
        if (valueName)
            option.setValueName(QString::fromLatin1(valueName));
        p.addOption(option);
    };
    opt({ QStringLiteral("transport") }, "softap (default) or ble.", "mode");
    opt({ QStringLiteral("service-name"), QStringLiteral("service_name") },
        "SoftAP: HOST:PORT. BLE: the advertised name (exact, e.g. PROV_1A2B3C) or the address. Repeat it to "
        "work on several devices.",
        "name");
    opt({ QStringLiteral("parallel") },
        "How many devices to work on at once (default 1; BLE: connections per adapter).", "n");
    opt({ QStringLiteral("sec-ver"), QStringLiteral("sec_ver") },
        "Force security scheme 0/1/2 (default: from proto-ver).", "n");
    opt({ QStringLiteral("sec2-patch"), QStringLiteral("sec_patch_ver") },
        "Force the Security 2 patch version (default: from proto-ver).", "n");
    opt({ QStringLiteral("pop") }, "Security 1 proof of possession.", "pop");
    opt({ QStringLiteral("sec2-username"), QStringLiteral("sec2_username") }, "Security 2 username.", "user");
    opt({ QStringLiteral("sec2-pwd"), QStringLiteral("sec2_pwd") }, "Security 2 password.", "pwd");
    opt({ QStringLiteral("ssid") }, "Wi-Fi SSID to provision.", "ssid");
    opt({ QStringLiteral("passphrase") }, "Wi-Fi passphrase ('-' reads one line from stdin).", "pass");
    opt({ QStringLiteral("bssid") }, "Optional BSSID (aa:bb:cc:dd:ee:ff).", "bssid");
    opt({ QStringLiteral("channel") }, "Optional channel.", "n");
    opt({ QStringLiteral("qr") }, "Take name/transport/PoP/username from a QR JSON payload.", "json");
    opt({ QStringLiteral("endpoint") }, "Custom endpoint name (custom).", "name");
    opt({ QStringLiteral("data"), QStringLiteral("custom_data") }, "Custom endpoint payload as text.",
        "text");
    opt({ QStringLiteral("data-hex") }, "Custom endpoint payload as hex.", "hex");
    opt({ QStringLiteral("timeout") },
        "Per-request timeout in ms (default 5000). scan-devices: how long to scan (default 5000).", "ms");
    opt({ QStringLiteral("connect-timeout") }, "Overall Wi-Fi connect timeout in ms (default 60000).", "ms");
    opt({ QStringLiteral("poll-interval") }, "GetStatus poll interval in ms (default 1000).", "ms");
    opt({ QStringLiteral("page-size") }, "Scan results per request (default 4; at most 4 over BLE).", "n");
    opt({ QStringLiteral("scan-timeout") },
        "BLE: how long to look for the named devices, in ms (default 10000).", "ms");
    opt({ QStringLiteral("ble-connect-timeout") },
        "BLE: limit for connecting and discovering the service, in ms (default 15000).", "ms");
    opt({ QStringLiteral("ble-max-request") },
        "BLE: largest request in bytes (default 481 for Bluedroid; at most 512 for NimBLE).", "bytes");
    opt({ QStringLiteral("after-link-drop") },
        "BLE: when the device drops the link after Apply: confirm (reconnect and read the status, default), "
        "report, "
        "or fail.",
        "mode");
    opt({ QStringLiteral("prefix") },
        "scan-devices: list only names with this prefix ('' lists every device). Default: PROV_ names and "
        "devices "
        "advertising a provisioning service UUID.",
        "prefix");
    opt({ QStringLiteral("reset") }, "esp_prov compatibility: same as the reset command.");
    opt({ QStringLiteral("reprov") }, "esp_prov compatibility: same as the reprov command.");
    opt({ QStringLiteral("json") }, "Print one JSON result object per device on stdout.");
    opt({ QStringLiteral("quiet"), QStringLiteral("q") }, "No progress on stderr.");
    opt({ QStringLiteral("verbose") },
        "Also show Qt Bluetooth's own warnings on stderr (esp_prov compatible).");
    p.process(app);

    const QStringList args = p.positionalArguments();
    o.command = args.value(0,
        p.isSet(QStringLiteral("reset"))        ? QStringLiteral("reset")
            : p.isSet(QStringLiteral("reprov")) ? QStringLiteral("reprov")
                                                : QStringLiteral("provision"));
    if (!kCommands.contains(o.command))
        return usage(QStringLiteral("unknown command '%1'").arg(o.command));
    o.json = p.isSet(QStringLiteral("json"));
    o.quiet = p.isSet(QStringLiteral("quiet"));

    QString qrName;
    QString qrTransport;
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
        qrName = qr->name;
        qrTransport = qr->transport;
        if (qrTransport != QLatin1String("softap") && qrTransport != QLatin1String("ble")
            && o.command != QLatin1String("qr"))
            return usage(
                QStringLiteral("the QR payload asks for transport '%1'; provctl speaks softap and ble")
                    .arg(qrTransport));
    }
    QString transport = p.value(QStringLiteral("transport"));
    if (transport.isEmpty())
        transport = o.command == QLatin1String("scan-devices") ? QStringLiteral("ble")
            : qrTransport.isEmpty()                            ? QStringLiteral("softap")
                                                               : qrTransport;
    if (transport == QLatin1String("ble"))
        o.link = Link::Ble;
    else if (transport == QLatin1String("softap") || transport == QLatin1String("httpd"))
        o.link = Link::SoftAp;
    else
        return usage(QStringLiteral("--transport must be softap or ble, got '%1'").arg(transport));
    if (o.command == QLatin1String("scan-devices") && o.link != Link::Ble)
        return usage(QStringLiteral("scan-devices lists BLE devices: use --transport ble"));

    o.services = p.values(QStringLiteral("service-name"));
    if (o.services.isEmpty() && o.link == Link::Ble && !qrName.isEmpty())
        o.services = { qrName };
    const bool needsDevice = o.command != QLatin1String("qr") && o.command != QLatin1String("scan-devices");
    if (needsDevice && o.services.isEmpty()) {
        return usage(o.link == Link::Ble
                ? QStringLiteral("--service-name NAME (the advertised name, e.g. PROV_1A2B3C) or a BLE "
                                 "address is required")
                : QStringLiteral("--service-name HOST:PORT is required (the SoftAP default is %1:80)")
                      .arg(QLatin1String(HttpTransport::kDefaultHost)));
    }
    if (o.link == Link::SoftAp) {
        for (const QString &service : std::as_const(o.services)) {
            const qsizetype colon = service.lastIndexOf(QLatin1Char(':'));
            const QString host = colon < 0 ? service : service.left(colon);
            bool ok = true;
            const uint port = colon < 0 ? 80 : service.mid(colon + 1).toUInt(&ok);
            if (!ok || port == 0 || port > 65535 || host.isEmpty())
                return usage(QStringLiteral("--service-name must be HOST:PORT, got '%1'").arg(service));
        }
    }
    if (o.services.removeDuplicates() > 0)
        return usage(QStringLiteral("each --service-name may be given once"));

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
    const bool scanDevices = o.command == QLatin1String("scan-devices");
    o.timeoutMs = intOption("timeout", 5000, &ok);
    o.scanTimeoutMs = intOption("scan-timeout", scanDevices ? o.timeoutMs : 10000, &ok);
    o.provision.connectTimeoutMs = intOption("connect-timeout", 60000, &ok);
    o.provision.pollIntervalMs = intOption("poll-interval", 1000, &ok);
    o.provision.firstPollDelayMs = 0;
    o.scan.pageSize = intOption("page-size", 4, &ok);
    o.credentials.channel = intOption("channel", 0, &ok);
    o.parallel = intOption("parallel", 1, &ok);
    o.bleConnectTimeoutMs = intOption("ble-connect-timeout", BleTransport::kDefaultConnectTimeoutMs, &ok);
    o.bleMaxRequest = intOption("ble-max-request", BleTransport::kDefaultMaxRequestBytes, &ok);
    if (!ok)
        return usage(QStringLiteral("a numeric option has a non-numeric value"));
    if (o.parallel < 1)
        return usage(QStringLiteral("--parallel must be at least 1"));
    if (o.bleMaxRequest < 1 || o.bleMaxRequest > BleTransport::kAttMaxAttributeBytes)
        return usage(
            QStringLiteral("--ble-max-request must be 1..%1 bytes").arg(BleTransport::kAttMaxAttributeBytes));
    if (o.timeoutMs < 1 || o.scanTimeoutMs < 1 || o.bleConnectTimeoutMs < 1)
        return usage(QStringLiteral("timeouts must be positive"));
    const QString afterDrop = p.value(QStringLiteral("after-link-drop"));
    if (afterDrop.isEmpty() || afterDrop == QLatin1String("confirm"))
        o.provision.afterApplyLinkClosed = AfterApplyLinkClosed::Confirm;
    else if (afterDrop == QLatin1String("report"))
        o.provision.afterApplyLinkClosed = AfterApplyLinkClosed::Report;
    else if (afterDrop == QLatin1String("fail"))
        o.provision.afterApplyLinkClosed = AfterApplyLinkClosed::Fail;
    else
        return usage(QStringLiteral("--after-link-drop must be confirm, report or fail"));
    if (p.isSet(QStringLiteral("prefix"))) {
        o.prefix = p.value(QStringLiteral("prefix"));
        o.prefixSet = true;
    }
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
    o.credentials.bssid = QByteArray::fromHex(
        p.value(QStringLiteral("bssid")).remove(QLatin1Char(':')).toLatin1());
    if (o.command == QLatin1String("provision") && o.credentials.ssid.isEmpty())
        return usage(QStringLiteral("provision needs --ssid"));

    o.endpoint = p.value(QStringLiteral("endpoint"));
    o.data = p.isSet(QStringLiteral("data-hex"))
        ? QByteArray::fromHex(p.value(QStringLiteral("data-hex")).toLatin1())
        : p.value(QStringLiteral("data")).toUtf8();
    if (o.command == QLatin1String("custom") && (o.endpoint.isEmpty() || o.data.isEmpty()))
        return usage(QStringLiteral("custom needs --endpoint NAME and --data TEXT (or --data-hex)"));
    return -1;
}

int runQr(const Options &o)
{
    auto qr = parseQrPayload(o.qr);
    if (!qr) {
        if (o.json)
            std::printf("%s\n",
                QJsonDocument(
                    QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("command"), o.command },
                        { QStringLiteral("error"), errorJson(qr.error(), o.link) } })
                    .toJson(QJsonDocument::Compact)
                    .constData());
        std::fprintf(stderr, "provctl: qr failed: %s\n", qPrintable(qr.error().toString()));
        return provctl::exitCodeFor(qr.error().code);
    }
    if (o.json) {
        QJsonObject j { { QStringLiteral("ok"), true }, { QStringLiteral("name"), qr->name },
            { QStringLiteral("transport"), qr->transport }, { QStringLiteral("username"), qr->username },
            { QStringLiteral("has_pop"), !qr->pop.isEmpty() }, { QStringLiteral("network"), qr->network } };
        if (qr->security)
            j.insert(QStringLiteral("security"), *qr->security);
        std::printf("%s\n", QJsonDocument(j).toJson(QJsonDocument::Compact).constData());
    } else {
        std::printf("%s\n", qPrintable(qr->describeMasked()));
    }
    return provctl::Ok;
}

/// One device's command, end to end, asynchronously: its own transport and Provisioner.
class Job
{
public:
    Job(const Options &o, Target target, BleConnectionLimit *limit, bool multi,
        std::function<void(int)> finished)
        : m_o(o)
        , m_target(std::move(target))
        , m_multi(multi)
        , m_finished(std::move(finished))
    {
        if (m_o.link == Link::Ble) {
            auto ble = std::make_unique<BleTransport>(m_target.bleAddress, m_target.bleService, limit);
            ble->setConnectTimeout(m_o.bleConnectTimeoutMs);
            ble->setMaxRequestSize(m_o.bleMaxRequest);
            m_transport = std::move(ble);
        } else {
            m_transport = std::make_unique<HttpTransport>(m_target.host, m_target.port);
        }
        m_transport->setTimeout(m_o.timeoutMs);
        m_provisioner = std::make_unique<Provisioner>(m_transport.get());
        m_provisioner->setSecurityOptions(m_o.security);
        QObject::connect(m_provisioner.get(), &Provisioner::stepChanged, [this](ProvisionStep step) {
            if (step != ProvisionStep::Done && step != ProvisionStep::Idle)
                say(QStringLiteral("[%1 ms] %2").arg(m_clock.elapsed(), 5).arg(provisionStepName(step)));
        });
        QObject::connect(m_provisioner.get(), &Provisioner::wifiStatusChanged, [this](const WifiStatus &s) {
            if (s.state != WifiState::Connected)
                say(QStringLiteral("[%1 ms]   status: %2").arg(m_clock.elapsed(), 5).arg(statusLine(s)));
        });
        m_result = QJsonObject { { QStringLiteral("command"), m_o.command } };
        if (m_multi || m_o.link == Link::Ble)
            m_result.insert(QStringLiteral("service_name"), m_target.label);
    }

    void start()
    {
        m_clock.start();
        if (m_target.lookupError)
            return QTimer::singleShot(0, [this] { fail(*m_target.lookupError); });
        say(QStringLiteral("device %1 (%2)")
                .arg(m_o.link == Link::Ble ? QStringLiteral("%1 %2").arg(m_target.label, m_target.bleAddress)
                                           : m_transport->address(),
                    transportKindName(m_transport->kind())));
        await(m_provisioner->connectDevice(), [this](Result<DeviceInfo> info) {
            if (!info)
                return fail(info.error());
            say(QStringLiteral("[%1 ms]   %2, Security %3%4, capabilities: %5")
                    .arg(m_clock.elapsed(), 5)
                    .arg(info->protoVersion.provVersion)
                    .arg(info->secVer)
                    .arg(info->secVer == 2 ? QStringLiteral(" patch %1").arg(info->sec2PatchVer) : QString())
                    .arg(info->protoVersion.capabilities.join(u", ")));
            m_result.insert(QStringLiteral("device"), deviceJson(*info));
            m_result.insert(QStringLiteral("address"), m_transport->address());
            runCommand();
        });
    }

private:
    template <typename T>
    void await(Pending<T> *op, std::type_identity_t<std::function<void(Result<T>)>> then)
    {
        QObject::connect(op, &PendingOperation::finished, [op, then] { then(op->result()); });
    }

    void say(const QString &line) const
    {
        progress(m_o, m_multi ? QStringLiteral("[%1] %2").arg(m_target.label, line) : line);
    }

    void runCommand()
    {
        const QString &c = m_o.command;
        if (c == QLatin1String("provision")) {
            say(QStringLiteral("provisioning ssid \"%1\" (passphrase %2)")
                    .arg(QString::fromUtf8(m_o.credentials.ssid),
                        m_o.credentials.passphrase.isEmpty() ? QStringLiteral("none")
                                                             : QStringLiteral("********")));
            await(
                m_provisioner->provision(m_o.credentials, m_o.provision), [this](Result<ProvisionResult> r) {
                    if (!r)
                        return fail(r.error());
                    m_result.insert(QStringLiteral("outcome"), provisionOutcomeName(r->outcome));
                    m_result.insert(QStringLiteral("status"), statusJson(r->status));
                    switch (r->outcome) {
                    case ProvisionOutcome::Connected:
                        say(QStringLiteral("[%1 ms] %2")
                                .arg(m_clock.elapsed(), 5)
                                .arg(statusLine(r->status)));
                        return succeed(statusLine(r->status));
                    case ProvisionOutcome::ConfirmedAfterReconnect:
                        say(QStringLiteral(
                            "[%1 ms] the device closed the link after Apply; confirmed on reconnect: %2")
                                .arg(m_clock.elapsed(), 5)
                                .arg(statusLine(r->status)));
                        return succeed(
                            statusLine(r->status) + QStringLiteral(" (confirmed after reconnect)"));
                    case ProvisionOutcome::AppliedLinkClosed:
                        say(QStringLiteral("[%1 ms] applied; the device closed the link (not confirmed)")
                                .arg(m_clock.elapsed(), 5));
                        return succeed(QStringLiteral("applied, link closed by device"));
                    case ProvisionOutcome::Unconfirmed: {
                        const Error why = r->confirmationError.value_or(Error {});
                        m_result.insert(QStringLiteral("confirmation_error"), errorJson(why, m_o.link));
                        return finishWith(provctl::Unconfirmed, false,
                            QStringLiteral("applied, link closed by device; the Wi-Fi result could not be "
                                           "confirmed: %1")
                                .arg(why.toString()));
                    }
                    }
                });
        } else if (c == QLatin1String("scan")) {
            await(m_provisioner->scanWifi(m_o.scan), [this](Result<QList<ScanEntry>> entries) {
                if (!entries)
                    return fail(entries.error());
                QJsonArray list;
                if (!m_o.json)
                    std::printf("%-32s %5s %4s  %-17s  %s\n", "SSID", "RSSI", "CH", "BSSID", "AUTH");
                for (const ScanEntry &e : std::as_const(*entries)) {
                    list.append(QJsonObject { { QStringLiteral("ssid"), QString::fromUtf8(e.ssid) },
                        { QStringLiteral("rssi_dbm"), e.rssi }, { QStringLiteral("channel"), e.channel },
                        { QStringLiteral("bssid"), hex(e.bssid) },
                        { QStringLiteral("auth_mode"), authModeName(e.authMode) } });
                    if (!m_o.json)
                        std::printf("%-32s %5d %4d  %-17s  %s\n", e.ssid.constData(), e.rssi, e.channel,
                            qPrintable(hex(e.bssid)), qPrintable(authModeName(e.authMode)));
                }
                m_result.insert(QStringLiteral("networks"), list);
                succeed(QStringLiteral("%1 networks").arg(entries->size()));
            });
        } else if (c == QLatin1String("status")) {
            await(m_provisioner->wifiStatus(), [this](Result<WifiStatus> status) {
                if (!status)
                    return fail(status.error());
                say(statusLine(*status));
                m_result.insert(QStringLiteral("status"), statusJson(*status));
                succeed(statusLine(*status));
            });
        } else if (c == QLatin1String("reset") || c == QLatin1String("reprov")) {
            auto *op = c == QLatin1String("reset") ? m_provisioner->resetWifi()
                                                   : m_provisioner->reprovisionWifi();
            await(op, [this](Result<void> done) {
                if (!done)
                    return fail(done.error());
                say(QStringLiteral("%1: done").arg(m_o.command));
                succeed(QStringLiteral("%1: done").arg(m_o.command));
            });
        } else if (c == QLatin1String("custom")) {
            await(m_provisioner->customRequest(m_o.endpoint, m_o.data), [this](Result<QByteArray> response) {
                if (!response)
                    return fail(response.error());
                QByteArray shown = *response;
                while (shown.endsWith('\0'))
                    shown.chop(1); // example handlers append a NUL (§9.5)
                m_result.insert(QStringLiteral("response_hex"), QString::fromLatin1(response->toHex()));
                m_result.insert(QStringLiteral("response_text"), QString::fromUtf8(shown));
                if (!m_o.json && !m_multi)
                    std::printf("%s\n", shown.constData());
                succeed(QString::fromUtf8(shown));
            });
        }
    }

    void succeed(const QString &summary) { finishWith(provctl::Ok, true, summary); }

    void finishWith(int exitCode, bool ok, const QString &summary)
    {
        m_result.insert(QStringLiteral("ok"), ok);
        m_result.insert(QStringLiteral("elapsed_ms"), double(m_clock.elapsed()));
        if (!ok)
            m_result.insert(QStringLiteral("exit_code"), exitCode);
        if (m_o.json)
            std::printf("%s\n", QJsonDocument(m_result).toJson(QJsonDocument::Compact).constData());
        else if (m_multi)
            std::printf("%s: %s %s\n", qPrintable(m_target.label), ok ? "ok" : "failed", qPrintable(summary));
        if (!ok)
            std::fprintf(stderr, "provctl: %s%s\n",
                m_multi ? qPrintable(m_target.label + QStringLiteral(": ")) : "", qPrintable(summary));
        std::fflush(stdout);
        done(exitCode);
    }

    void fail(const Error &e)
    {
        m_result.insert(QStringLiteral("ok"), false);
        m_result.insert(QStringLiteral("error"), errorJson(e, m_o.link));
        if (m_o.json)
            std::printf("%s\n", QJsonDocument(m_result).toJson(QJsonDocument::Compact).constData());
        else if (m_multi)
            std::printf("%s: failed (exit %d) %s\n", qPrintable(m_target.label),
                int(provctl::exitCodeFor(e.code)), qPrintable(e.toString()));
        std::fflush(stdout);
        std::fprintf(stderr, "provctl: %s%s failed: %s\n",
            m_multi ? qPrintable(m_target.label + QStringLiteral(": ")) : "", qPrintable(m_o.command),
            qPrintable(e.toString()));
        const QString advice = adviceFor(e.code, m_o.link);
        if (!advice.isEmpty())
            std::fprintf(stderr, "provctl: advice: %s\n", qPrintable(advice));
        done(provctl::exitCodeFor(e.code));
    }

    void done(int exitCode)
    {
        // Outside of any callback of the transport itself: close the link (a BLE disconnect that
        // BlueZ confirms frees the connection slot for the next device), then drop the objects.
        QTimer::singleShot(0, [this, exitCode] {
            auto *ble = qobject_cast<BleTransport *>(m_transport.get());
            if (!ble || ble->linkState() == BleTransport::LinkState::Closed)
                return release(exitCode);
            auto *closing = new QTimer;
            closing->setSingleShot(true);
            auto finish = [this, closing, exitCode] {
                closing->stop();
                closing->deleteLater();
                QTimer::singleShot(
                    0, [this, exitCode] { release(exitCode); }); // not inside the transport's signal
            };
            QObject::connect(closing, &QTimer::timeout, finish);
            QObject::connect(
                ble, &BleTransport::linkStateChanged, closing, [finish](BleTransport::LinkState s) {
                    if (s == BleTransport::LinkState::Closed)
                        finish();
                });
            closing->start(kCloseWaitMs);
            ble->disconnectFromDevice();
        });
    }

    void release(int exitCode)
    {
        if (m_released)
            return;
        m_released = true;
        m_provisioner.reset();
        m_transport.reset();
        m_finished(exitCode);
    }

    static constexpr int kCloseWaitMs = 2000;
    bool m_released = false;

    const Options &m_o;
    Target m_target;
    bool m_multi = false;
    std::function<void(int)> m_finished;
    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<Provisioner> m_provisioner;
    QJsonObject m_result;
    QElapsedTimer m_clock;
};

/// Finds the BLE devices the user named (exact advertised name, or address) with one scan.
void lookUpBleDevices(const Options &o, std::function<void(QList<Target>, std::optional<Error>)> done)
{
    // BlueZ reports the devices it already knows at once, without RSSI ("cached"); a device that
    // is advertising shows up live within a few advertising intervals (160 ms on ESP-IDF, §7.1).
    // Wait that long for a live report before settling for a cached one.
    constexpr int kLiveGraceMs = 1000;
    auto *scanner = new BleScanner;
    // Exact names are matched below: let every device through (a late name arrives with an update).
    scanner->setNamePrefix(QString());
    scanner->setServiceUuids({});
    scanner->setDuration(o.scanTimeoutMs);
    auto targets = std::make_shared<QList<Target>>();
    auto cached = std::make_shared<QSet<QString>>(); ///< labels matched only by a cached report so far
    for (const QString &s : o.services)
        targets->append(Target { s, {}, 0, {}, {}, std::nullopt, isBleAddress(s) });
    auto clock = std::make_shared<QElapsedTimer>();
    auto grace = new QTimer(scanner);
    grace->setSingleShot(true);
    auto maybeStop = [scanner, targets, cached, clock, grace] {
        const bool allFound = std::all_of(
            targets->cbegin(), targets->cend(), [](const Target &t) { return !t.bleAddress.isEmpty(); });
        if (!allFound)
            return;
        if (cached->isEmpty() || clock->elapsed() >= kLiveGraceMs)
            return scanner->stop();
        grace->start(int(kLiveGraceMs - clock->elapsed()));
    };
    QObject::connect(grace, &QTimer::timeout, scanner, [scanner] { scanner->stop(); });
    auto finish = [scanner, targets, done](std::optional<Error> error) {
        scanner->disconnect();
        scanner->deleteLater();
        done(*targets, error);
    };
    auto consider = [&o, targets, cached, maybeStop](const BleDeviceInfo &d) {
        for (Target &t : *targets) {
            const bool byAddress = t.byBleAddress && t.label.compare(d.address, Qt::CaseInsensitive) == 0;
            if (!byAddress && (d.name.isEmpty() || d.name != t.label))
                continue;
            const bool upgrade = cached->contains(t.label) && !d.cached;
            if (!t.bleAddress.isEmpty() && !upgrade)
                continue;
            t.bleAddress = d.address;
            t.bleService = d.primaryServiceUuid();
            if (d.cached)
                cached->insert(t.label);
            else
                cached->remove(t.label);
            progress(o,
                QStringLiteral("found %1: %2 %3%4")
                    .arg(t.label, d.address,
                        d.cached ? QStringLiteral("(cached: not heard advertising yet)")
                                 : QStringLiteral("%1 dBm").arg(d.rssi),
                        d.name.isEmpty() || d.name == t.label ? QString() : QStringLiteral(" ") + d.name));
        }
        maybeStop();
    };
    QObject::connect(scanner, &BleScanner::deviceDiscovered, consider);
    QObject::connect(scanner, &BleScanner::deviceUpdated, consider);
    QObject::connect(scanner, &BleScanner::finished, [&o, targets, finish] {
        for (Target &t : *targets) {
            if (t.bleAddress.isEmpty())
                t.lookupError = makeError(ErrorCode::ConnectFailed,
                    QStringLiteral("no BLE device %1 %2 was seen within %3 ms")
                        .arg(t.byBleAddress ? QStringLiteral("with address") : QStringLiteral("named"),
                            t.label)
                        .arg(o.scanTimeoutMs));
        }
        finish(std::nullopt);
    });
    QObject::connect(scanner, &BleScanner::errorOccurred, [finish](const Error &e) { finish(e); });
    progress(o,
        QStringLiteral("scanning for %1 (BLE, up to %2 ms)")
            .arg(o.services.join(u", "))
            .arg(o.scanTimeoutMs));
    clock->start();
    scanner->start();
}

int runScanDevices(QCoreApplication &app, const Options &o)
{
    BleScanner scanner;
    scanner.setNamePrefix(o.prefix);
    if (o.prefixSet)
        scanner.setServiceUuids({}); // an explicit prefix matches by name only; '' lists every device
    scanner.setDuration(o.scanTimeoutMs);
    int exitCode = provctl::Ok;
    QObject::connect(&scanner, &BleScanner::deviceDiscovered, [&o](const BleDeviceInfo &d) {
        progress(o,
            QStringLiteral("found %1 %2")
                .arg(d.address, d.name.isEmpty() ? QStringLiteral("(no name yet)") : d.name));
    });
    QObject::connect(&scanner, &BleScanner::finished, [&] {
        const QList<BleDeviceInfo> devices = scanner.devices();
        QJsonArray list;
        if (!o.json)
            std::printf("%-17s %8s  %-28s %s\n", "ADDRESS", "RSSI", "NAME", "");
        for (const BleDeviceInfo &d : devices) {
            QJsonArray uuids;
            for (const QUuid &u : d.serviceUuids)
                uuids.append(u.toString(QUuid::WithoutBraces));
            QJsonObject j { { QStringLiteral("address"), d.address }, { QStringLiteral("name"), d.name },
                { QStringLiteral("cached"), d.cached }, { QStringLiteral("service_uuids"), uuids } };
            j.insert(QStringLiteral("rssi_dbm"), d.cached ? QJsonValue() : QJsonValue(d.rssi));
            list.append(j);
            if (!o.json)
                std::printf("%-17s %8s  %-28s %s\n", qPrintable(d.address),
                    d.cached ? "-" : qPrintable(QStringLiteral("%1 dBm").arg(d.rssi)),
                    qPrintable(d.name.isEmpty() ? QStringLiteral("?") : d.name),
                    d.cached ? "cached (not advertising)" : "");
        }
        if (o.json)
            std::printf("%s\n",
                QJsonDocument(
                    QJsonObject { { QStringLiteral("ok"), true }, { QStringLiteral("command"), o.command },
                        { QStringLiteral("devices"), list } })
                    .toJson(QJsonDocument::Compact)
                    .constData());
        app.exit(0);
    });
    QObject::connect(&scanner, &BleScanner::errorOccurred, [&](const Error &e) {
        if (o.json)
            std::printf("%s\n",
                QJsonDocument(
                    QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("command"), o.command },
                        { QStringLiteral("error"), errorJson(e, o.link) } })
                    .toJson(QJsonDocument::Compact)
                    .constData());
        std::fprintf(stderr, "provctl: scan-devices failed: %s\n", qPrintable(e.toString()));
        const QString advice = adviceFor(e.code, o.link);
        if (!advice.isEmpty())
            std::fprintf(stderr, "provctl: advice: %s\n", qPrintable(advice));
        exitCode = provctl::exitCodeFor(e.code);
        app.exit(0);
    });
    progress(o, QStringLiteral("scanning for BLE devices (%1 ms)").arg(o.scanTimeoutMs));
    scanner.start();
    app.exec();
    return exitCode;
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
    // Qt Bluetooth warns about normal things ("Using BlueZ LE DBus API", no mgmt socket, a
    // controller deleted while connected): keep stderr for provctl's own progress and errors.
    if (!app.arguments().contains(QStringLiteral("--verbose")))
        QLoggingCategory::setFilterRules(QStringLiteral("qt.bluetooth*.warning=false"));
    if (o.command == QLatin1String("qr"))
        return runQr(o);
    if (o.command == QLatin1String("scan-devices"))
        return runScanDevices(app, o);

    // Devices run as independent jobs; the exit code is that of the first device (in command-line
    // order) that failed, 0 when all succeeded.
    const bool multi = o.services.size() > 1;
    BleConnectionLimit limit(o.parallel);
    std::vector<std::unique_ptr<Job>> jobs;
    QList<int> exitCodes(o.services.size(), -1);
    int next = 0;
    int running = 0;
    std::function<void()> startMore = [&] {
        // BLE: every job starts at once and BleConnectionLimit queues the connections (FIFO);
        // SoftAP: at most --parallel jobs run at a time.
        const int cap = o.link == Link::Ble ? int(jobs.size()) : o.parallel;
        while (next < int(jobs.size()) && running < cap) {
            ++running;
            jobs.at(size_t(next++))->start();
        }
        if (running == 0 && next == int(jobs.size()))
            app.exit(0);
    };
    auto makeJobs = [&](QList<Target> targets) {
        for (int i = 0; i < targets.size(); ++i) {
            jobs.push_back(std::make_unique<Job>(o, targets.at(i), &limit, multi, [&, i](int code) {
                exitCodes[i] = code;
                --running;
                startMore();
            }));
        }
        startMore();
    };

    if (o.link == Link::Ble) {
        lookUpBleDevices(o, [&](QList<Target> targets, std::optional<Error> error) {
            if (error) {
                for (Target &t : targets)
                    t.lookupError = error;
            }
            makeJobs(targets);
        });
    } else {
        QList<Target> targets;
        for (const QString &service : std::as_const(o.services)) {
            const qsizetype colon = service.lastIndexOf(QLatin1Char(':'));
            Target t;
            t.label = service;
            t.host = colon < 0 ? service : service.left(colon);
            t.port = quint16(colon < 0 ? 80 : service.mid(colon + 1).toUInt());
            targets.append(t);
        }
        QTimer::singleShot(0, [&, targets] { makeJobs(targets); });
    }
    app.exec();
    jobs.clear();
    for (int code : std::as_const(exitCodes)) {
        if (code != provctl::Ok)
            return code < 0 ? provctl::InternalFailure : code;
    }
    return provctl::Ok;
}
