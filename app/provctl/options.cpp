// SPDX-License-Identifier: Apache-2.0
// The command line: flags follow Espressif's esp_prov (both --service-name and --service_name
// spellings are accepted); everything is checked here, once, before a device is touched.
#include "options.h"

#include "output.h"
#include "servicename.h"

#include "prov/blescanner.h"
#include "prov/bletransport.h"
#include "prov/httptransport.h"
#include "prov/qrpayload.h"
#include "prov/softap.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include <termios.h>
#include <unistd.h>

using namespace prov;

namespace provctl {

namespace {

constexpr std::array kCommands { std::pair { Command::Provision, "provision" },
    std::pair { Command::Scan, "scan" }, std::pair { Command::Status, "status" },
    std::pair { Command::Reset, "reset" }, std::pair { Command::Reprov, "reprov" },
    std::pair { Command::Custom, "custom" }, std::pair { Command::Qr, "qr" },
    std::pair { Command::ScanDevices, "scan-devices" }, std::pair { Command::Batch, "batch" } };

std::optional<Command> commandFromName(const QString &name)
{
    for (const auto &[command, text] : kCommands) {
        if (name == QLatin1String(text))
            return command;
    }
    return std::nullopt;
}

QStringList commandNames()
{
    QStringList names;
    for (const auto &entry : kCommands)
        names << QLatin1String(entry.second);
    return names;
}

bool isBleAddress(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"));
    return re.match(s).hasMatch();
}

/// The most one secret line on stdin may hold.
constexpr int kMaxSecretLineBytes = 4096;

/// One line of stdin without its line end; on a terminal after `prompt` on stderr, without echo.
/// Read with stdio, a byte at a time, so that a second secret line stays in stdin for the next read.
/// nullopt at the end of input before any byte.
std::optional<QByteArray> readStdinLine(const char *prompt)
{
    termios saved {};
    const bool terminal = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        std::fprintf(stderr, "%s", prompt);
        std::fflush(stderr);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    int c = 0;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n' && line.size() < kMaxSecretLineBytes)
        line.append(char(c));
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fprintf(stderr, "\n");
    }
    if (c == EOF && line.isEmpty())
        return std::nullopt;
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

/// --wifi-interface, repeatable and comma-separated: "wlan0", "wlan0,wlan1".
QStringList wifiInterfaceList(const QStringList &values)
{
    QStringList out;
    for (const QString &value : values) {
        for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = part.trimmed();
            if (!name.isEmpty() && !out.contains(name))
                out << name;
        }
    }
    return out;
}

void addOptions(QCommandLineParser &p)
{
    p.setApplicationDescription(QStringLiteral(
        "Provision ESP-IDF unified-provisioning devices over SoftAP (HTTP) or BLE.\n\nCommands:\n"
        "  provision     proto-ver, handshake, SetConfig, Apply, wait for Connected (default)\n"
        "  scan          list the Wi-Fi networks the device sees\n"
        "  status        read the device's Wi-Fi status once\n"
        "  reset         prov-ctrl reset (after a failed attempt)\n"
        "  reprov        prov-ctrl re-provision\n"
        "  custom        send --data to a custom --endpoint\n"
        "  qr            parse a QR payload (--qr) and print it with secrets masked\n"
        "  scan-devices  list nearby BLE provisioning devices with their RSSI, or with --transport softap\n"
        "                the provisioning access points NetworkManager sees (strength in %)\n"
        "  batch         provision a tray from a product profile on parallel lanes (secrets on stdin)"));
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(
        QStringLiteral("command"), QStringLiteral("One of: %1").arg(commandNames().join(u", ")));
    auto opt = [&p](QStringList names, const char *help, const char *valueName = nullptr) {
        QCommandLineOption option(names, QString::fromLatin1(help));
        if (valueName)
            option.setValueName(QString::fromLatin1(valueName));
        p.addOption(option);
    };
    opt({ QStringLiteral("transport") }, "softap (default) or ble.", "mode");
    opt({ QStringLiteral("service-name"), QStringLiteral("service_name") },
        "SoftAP: HOST:PORT (or a host with a '.'), or else the SSID of the device's SoftAP (PROV_1A2B3C), "
        "joined through NetworkManager first. BLE: the advertised name (exact, e.g. PROV_1A2B3C) or the "
        "address. Repeat it to work on several devices.",
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
    opt({ QStringLiteral("timeout"), QStringLiteral("timeout-ms") },
        "Per-request timeout in ms (default 5000). scan-devices: how long to scan (default 5000; SoftAP: "
        "15000).",
        "ms");
    opt({ QStringLiteral("connect-timeout") }, "Overall Wi-Fi connect timeout in ms (default 60000).", "ms");
    opt({ QStringLiteral("poll-interval") },
        "GetStatus poll interval in ms after the first 6 s of fast polling (default 1000).", "ms");
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
    opt({ QStringLiteral("wifi-interface") },
        "SoftAP SSID: the Wi-Fi interface to join it on and to scan with (default: NetworkManager's first). "
        "batch: repeatable or a comma list, one SoftAP lane per interface.",
        "if");
    opt({ QStringLiteral("softap-port") }, "SoftAP SSID: the device's HTTP port on its SoftAP (default 80).",
        "port");
    opt({ QStringLiteral("join-timeout-ms") },
        "SoftAP SSID: limit for joining the SoftAP, DHCP included, in ms (default 30000).", "ms");
    opt({ QStringLiteral("softap-password") },
        "SoftAP SSID: '-' reads the SoftAP's WPA2 password as one line from stdin (after --passphrase -'s "
        "line). Never a value on the command line. Without it the SoftAP is joined open.",
        "-");
    opt({ QStringLiteral("profile") }, "batch: the product profile (JSON file).", "file");
    opt({ QStringLiteral("manifest") }, "batch: a JSON-lines device manifest (prov-sim's output format).",
        "file");
    opt({ QStringLiteral("ble-scan") },
        "batch: also take every BLE device of the profile a scan finds in this many seconds.", "seconds");
    opt({ QStringLiteral("softap-scan") },
        "batch: also take every SoftAP device of the profile a NetworkManager Wi-Fi scan sees in this many "
        "seconds (joined through NetworkManager).",
        "seconds");
    opt({ QStringLiteral("station") }, "batch: the station id for the record (default: the host name).",
        "id");
    opt({ QStringLiteral("operator") }, "batch: the operator for the record (default: $USER).", "name");
    opt({ QStringLiteral("record") }, "batch: the factory record SQLite file (default: the workstation's).",
        "file");
    opt({ QStringLiteral("resume") }, "batch: continue a batch the record says was running.", "batch-id");
    opt({ QStringLiteral("reset") }, "esp_prov compatibility: same as the reset command.");
    opt({ QStringLiteral("reprov") }, "esp_prov compatibility: same as the reprov command.");
    opt({ QStringLiteral("json") }, "Print one JSON result object per device on stdout.");
    opt({ QStringLiteral("quiet"), QStringLiteral("q") }, "No progress on stderr.");
    opt({ QStringLiteral("verbose") },
        "Also show Qt Bluetooth's own warnings on stderr (esp_prov compatible).");
}

/// batch: `--service-name` is a BLE name or address, or SoftAP `NAME@HOST[:PORT]` (the profile matches
/// devices by name, so a SoftAP device needs one). Returns the usage error, or nullopt.
std::optional<int> parseBatchTargets(const QStringList &services, Options &o)
{
    for (const QString &service : services) {
        Target t;
        t.label = service;
        const qsizetype at = service.indexOf(QLatin1Char('@'));
        if (at >= 0) {
            const auto hostPort = parseHostPort(service.mid(at + 1));
            if (at == 0 || !hostPort)
                return usage(QStringLiteral("--service-name must be NAME@HOST:PORT for SoftAP, got '%1'")
                                 .arg(service));
            t.serviceName = service.left(at);
            t.transport.kind = TransportKind::SoftAp;
            t.transport.host = hostPort->first;
            t.transport.port = hostPort->second;
        } else if (isBleAddress(service)) {
            t.transport.kind = TransportKind::Ble;
            t.byBleAddress = true;
        } else if (service.contains(QLatin1Char(':'))) {
            return usage(
                QStringLiteral("batch: a SoftAP device is NAME@HOST:PORT (the profile matches devices by "
                               "name), got '%1'")
                    .arg(service));
        } else {
            t.transport.kind = TransportKind::Ble;
            t.serviceName = service;
        }
        o.targets.append(t);
    }
    return std::nullopt;
}

/// batch: the options only the batch command has. Secrets are refused here: the batch reads them from
/// stdin or a prompt, never from the command line.
std::optional<int> parseBatchOptions(const QCommandLineParser &p, Options &o)
{
    for (const char *secret :
        { "passphrase", "pop", "sec2-pwd", "sec2-username", "qr", "ssid", "softap-password" }) {
        if (p.isSet(QString::fromLatin1(secret)))
            return usage(
                QStringLiteral("batch takes no --%1: the network comes from the profile, secrets from "
                               "stdin (docs/provctl.md)")
                    .arg(QLatin1String(secret)));
    }
    BatchOptions &b = o.batch;
    b.profilePath = p.value(QStringLiteral("profile"));
    if (b.profilePath.isEmpty())
        return usage(QStringLiteral("batch needs --profile FILE"));
    b.manifestPath = p.value(QStringLiteral("manifest"));
    if (p.isSet(QStringLiteral("ble-scan"))) {
        bool ok = false;
        b.bleScanSeconds = p.value(QStringLiteral("ble-scan")).toInt(&ok);
        if (!ok || b.bleScanSeconds < 1 || b.bleScanSeconds > 24 * 3600)
            return usage(QStringLiteral("--ble-scan must be a number of seconds from 1 to 86400"));
    }
    if (p.isSet(QStringLiteral("softap-scan"))) {
        bool ok = false;
        b.softApScanSeconds = p.value(QStringLiteral("softap-scan")).toInt(&ok);
        if (!ok || b.softApScanSeconds < 1 || b.softApScanSeconds > 24 * 3600)
            return usage(QStringLiteral("--softap-scan must be a number of seconds from 1 to 86400"));
    }
    b.parallelSet = p.isSet(QStringLiteral("parallel"));
    b.station = p.value(QStringLiteral("station"));
    b.operatorName = p.value(QStringLiteral("operator"));
    b.recordPath = p.value(QStringLiteral("record"));
    b.resumeBatchId = p.value(QStringLiteral("resume"));
    if (b.manifestPath.isEmpty() && b.bleScanSeconds == 0 && b.softApScanSeconds == 0
        && !p.isSet(QStringLiteral("service-name")) && b.resumeBatchId.isEmpty())
        return usage(
            QStringLiteral("batch needs devices: --manifest FILE, --service-name, --ble-scan SECONDS, "
                           "--softap-scan SECONDS or --resume BATCH_ID"));
    return parseBatchTargets(p.values(QStringLiteral("service-name")), o);
}

} // namespace

QString commandName(Command command)
{
    for (const auto &[c, text] : kCommands) {
        if (c == command)
            return QLatin1String(text);
    }
    return QString();
}

QStringList Options::labels() const
{
    QStringList out;
    for (const Target &t : targets)
        out << t.label;
    return out;
}

std::optional<int> parseOptions(const QCoreApplication &app, Options &o)
{
    QCommandLineParser p;
    addOptions(p);
    p.process(app);

    const QStringList args = p.positionalArguments();
    const QString command = args.value(0,
        p.isSet(QStringLiteral("reset"))        ? QStringLiteral("reset")
            : p.isSet(QStringLiteral("reprov")) ? QStringLiteral("reprov")
                                                : QStringLiteral("provision"));
    const std::optional<Command> parsedCommand = commandFromName(command);
    if (!parsedCommand)
        return usage(QStringLiteral("unknown command '%1'").arg(command));
    o.command = *parsedCommand;
    o.json = p.isSet(QStringLiteral("json"));
    o.verbose = p.isSet(QStringLiteral("verbose"));
    o.quiet = p.isSet(QStringLiteral("quiet"));
    const bool batch = o.command == Command::Batch;
    if (batch) {
        if (const std::optional<int> rc = parseBatchOptions(p, o))
            return rc;
    }

    QString qrName;
    std::optional<TransportKind> qrTransport;
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
        qrTransport = qr->transportKind();
        if (!qrTransport && o.command != Command::Qr)
            return usage(
                QStringLiteral("the QR payload asks for transport '%1'; provctl speaks softap and ble")
                    .arg(qr->transport));
    }
    if (const QString transport = p.value(QStringLiteral("transport")); !transport.isEmpty()) {
        const std::optional<TransportKind> kind = transportKindFromName(transport);
        if (!kind)
            return usage(QStringLiteral("--transport must be softap or ble, got '%1'").arg(transport));
        o.transport = *kind;
    } else {
        o.transport = o.command == Command::ScanDevices ? TransportKind::Ble
                                                        : qrTransport.value_or(TransportKind::SoftAp);
    }
    // A SoftAP password is a secret: only ever from stdin, never a value in argv (ps, shell history).
    if (p.isSet(QStringLiteral("softap-password")) && p.value(QStringLiteral("softap-password")) != u'-')
        return usage(QStringLiteral("--softap-password takes '-' and reads the password from stdin: a "
                                    "password on the command line is visible to every user (ps) and kept "
                                    "in shell history"));
    o.wifiInterfaces = wifiInterfaceList(p.values(QStringLiteral("wifi-interface")));
    if (!batch && o.wifiInterfaces.size() > 1)
        return usage(QStringLiteral("give one --wifi-interface (batch takes several)"));

    QStringList services = p.values(QStringLiteral("service-name"));
    if (services.isEmpty() && o.transport == TransportKind::Ble && !qrName.isEmpty())
        services = { qrName };
    const bool needsDevice = o.command != Command::Qr && o.command != Command::ScanDevices && !batch;
    if (needsDevice && services.isEmpty()) {
        return usage(o.transport == TransportKind::Ble
                ? QStringLiteral("--service-name NAME (the advertised name, e.g. PROV_1A2B3C) or a BLE "
                                 "address is required")
                : QStringLiteral("--service-name HOST:PORT or SSID is required (the SoftAP default is %1:80)")
                      .arg(QLatin1String(HttpTransport::kDefaultHost)));
    }
    // The devices, parsed once: SoftAP HOST:PORT or SSID (servicename.h), BLE name or address.
    for (const QString &service : batch ? QStringList() : std::as_const(services)) {
        Target t;
        t.label = service;
        t.transport.kind = o.transport;
        if (o.transport == TransportKind::SoftAp) {
            const SoftApService s = classifySoftApService(service);
            if (s.kind == SoftApService::Kind::Invalid)
                return usage(QStringLiteral("--service-name must be HOST:PORT or a SoftAP SSID of 1 to 32 "
                                            "bytes, got '%1'")
                                 .arg(service));
            if (s.kind == SoftApService::Kind::Ssid) {
                t.transport.softApSsid = service; // the rest of the join is filled in below
            } else {
                t.transport.host = s.host;
                t.transport.port = s.port;
            }
        } else {
            t.byBleAddress = isBleAddress(service);
        }
        o.targets.append(t);
    }
    if (services.removeDuplicates() > 0)
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
    const bool scanDevices = o.command == Command::ScanDevices;
    const int timeoutMs = intOption("timeout", 5000, &ok);
    // scan-devices over SoftAP: a NetworkManager scan takes 2..10 s, so its default is longer.
    const int scanDevicesMs = o.transport == TransportKind::SoftAp && !p.isSet(QStringLiteral("timeout"))
        ? SoftApScanner::kDefaultScanTimeoutMs
        : timeoutMs;
    o.scanTimeoutMs = intOption("scan-timeout", scanDevices ? scanDevicesMs : 10000, &ok);
    const int softApPort = intOption("softap-port", SoftApJoinRequest::kDefaultPort, &ok);
    o.joinTimeoutMs = intOption("join-timeout-ms", SoftApJoinRequest::kDefaultJoinTimeoutMs, &ok);
    o.provision.connectTimeoutMs = intOption("connect-timeout", 60000, &ok);
    o.provision.pollIntervalMs = intOption("poll-interval", 1000, &ok);
    o.provision.firstPollDelayMs = 0;
    o.scan.pageSize = intOption("page-size", 4, &ok);
    o.credentials.channel = intOption("channel", 0, &ok);
    o.parallel = intOption("parallel", 1, &ok);
    const int bleConnectTimeoutMs = intOption(
        "ble-connect-timeout", TransportConfig::kDefaultBleConnectTimeoutMs, &ok);
    const int bleMaxRequest = intOption("ble-max-request", TransportConfig::kDefaultBleMaxRequestBytes, &ok);
    if (!ok)
        return usage(QStringLiteral("a numeric option has a non-numeric value"));
    if (o.parallel < 1)
        return usage(QStringLiteral("--parallel must be at least 1"));
    if (bleMaxRequest < 1 || bleMaxRequest > BleTransport::kAttMaxAttributeBytes)
        return usage(
            QStringLiteral("--ble-max-request must be 1..%1 bytes").arg(BleTransport::kAttMaxAttributeBytes));
    if (timeoutMs < 1 || o.scanTimeoutMs < 1 || bleConnectTimeoutMs < 1 || o.joinTimeoutMs < 1)
        return usage(QStringLiteral("timeouts must be positive"));
    if (softApPort < 1 || softApPort > 65535)
        return usage(QStringLiteral("--softap-port must be 1..65535"));
    o.softApPort = quint16(softApPort);
    o.batch.transport.requestTimeoutMs = timeoutMs;
    o.batch.transport.bleConnectTimeoutMs = bleConnectTimeoutMs;
    o.batch.transport.bleMaxRequestBytes = bleMaxRequest;
    const bool anySsid = std::any_of(
        o.targets.cbegin(), o.targets.cend(), [](const Target &t) { return t.joinsSoftAp(); });
    for (Target &t : o.targets) {
        t.transport.requestTimeoutMs = timeoutMs;
        t.transport.bleConnectTimeoutMs = bleConnectTimeoutMs;
        t.transport.bleMaxRequestBytes = bleMaxRequest;
        if (t.joinsSoftAp()) {
            t.transport.port = o.softApPort;
            t.transport.wifiInterface = o.wifiInterfaces.value(0);
            t.transport.softApJoinTimeoutMs = o.joinTimeoutMs;
        }
    }
    if (p.isSet(QStringLiteral("softap-password")) && !anySsid && !batch)
        return usage(QStringLiteral("--softap-password is for a --service-name that is a SoftAP SSID "
                                    "(joined through NetworkManager)"));
    const QString afterDrop = p.value(QStringLiteral("after-link-drop"));
    if (afterDrop.isEmpty() || afterDrop == QLatin1String("confirm"))
        o.provision.afterApplyLinkClosed = AfterApplyLinkClosed::Confirm;
    else if (afterDrop == QLatin1String("report"))
        o.provision.afterApplyLinkClosed = AfterApplyLinkClosed::Report;
    else if (afterDrop == QLatin1String("fail"))
        o.provision.afterApplyLinkClosed = AfterApplyLinkClosed::Fail;
    else
        return usage(QStringLiteral("--after-link-drop must be confirm, report or fail"));
    o.prefix = BleScanner::defaultNamePrefix();
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
        const std::optional<QByteArray> line = readStdinLine("Wi-Fi passphrase: ");
        if (!line)
            return usage(QStringLiteral("--passphrase -: stdin ended before the passphrase"));
        passphrase = QString::fromUtf8(line->trimmed());
    }
    o.credentials.passphrase = passphrase.toUtf8();
    if (p.isSet(QStringLiteral("softap-password"))) {
        // The line as written (a WPA2 passphrase may have spaces at its ends), without its line end.
        const std::optional<QByteArray> line = readStdinLine("SoftAP password: ");
        if (!line)
            return usage(QStringLiteral("--softap-password -: stdin ended before the SoftAP password"));
        if (!line->isEmpty() && !prov::isValidWpaPsk(*line))
            return usage(
                QStringLiteral("--softap-password -: a WPA2 password is 8 to 63 bytes or 64 hexadecimal "
                               "digits (an empty line: an open SoftAP)"));
        o.softApPassword = *line;
        for (Target &t : o.targets) {
            if (t.joinsSoftAp())
                t.transport.softApPassword = o.softApPassword;
        }
    }
    o.credentials.bssid = QByteArray::fromHex(
        p.value(QStringLiteral("bssid")).remove(QLatin1Char(':')).toLatin1());
    if (o.command == Command::Provision && o.credentials.ssid.isEmpty())
        return usage(QStringLiteral("provision needs --ssid"));

    o.endpoint = p.value(QStringLiteral("endpoint"));
    o.data = p.isSet(QStringLiteral("data-hex"))
        ? QByteArray::fromHex(p.value(QStringLiteral("data-hex")).toLatin1())
        : p.value(QStringLiteral("data")).toUtf8();
    if (o.command == Command::Custom && (o.endpoint.isEmpty() || o.data.isEmpty()))
        return usage(QStringLiteral("custom needs --endpoint NAME and --data TEXT (or --data-hex)"));
    return std::nullopt;
}

} // namespace provctl
