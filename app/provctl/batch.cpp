// SPDX-License-Identifier: Apache-2.0
// provctl batch: a tray from a product profile on the lane engine (issue 9, docs/provctl.md "batch").
// Intake (manifest, --service-name, BLE lookups, Wi-Fi lookups of SoftAP names, open BLE and SoftAP
// scans), then finish() and wait for the batch to end; one result per device and a summary. Secrets
// come from stdin or a prompt only.
#include "batch.h"
#include "blelookup.h"
#include "commands.h"
#include "exitcodes.h"
#include "output.h"

#include "prov/bleconnectionlimit.h"
#include "prov/blescanner.h"
#include "prov/duplicateguard.h"
#include "prov/laneengine.h"
#include "prov/manifest.h"
#include "prov/record.h"
#include "prov/recordsink.h"
#include "prov/softap.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>

#include <termios.h>
#include <unistd.h>

using namespace prov;

namespace provctl {

namespace {

/// The most stdin may hold for the secrets (a few short lines).
constexpr qint64 kMaxSecretsBytes = 64 * 1024;
/// How long provctl batch waits at the end for the SoftAP jobs to give their Wi-Fi interfaces back, in ms.
constexpr int kSoftApLeaveWaitMs = 12000;

int g_signalPipe[2] = { -1, -1 };

extern "C" void onStopSignal(int)
{
    const char c = 1;
    // Nothing to do when the pipe is full: a stop is already pending.
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

/// One line typed on the terminal; without echo for a secret. nullopt at the end of input.
std::optional<QByteArray> promptLine(const char *prompt, bool secret)
{
    std::fprintf(stderr, "%s", prompt);
    std::fflush(stderr);
    termios saved {};
    const bool noEcho = secret && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (noEcho) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    int c = 0;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n' && line.size() < kMaxSecretsBytes)
        line.append(char(c));
    if (noEcho) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fprintf(stderr, "\n");
    }
    if (c == EOF && line.isEmpty())
        return std::nullopt;
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

bool wantsPassphrase(const ProductProfile &profile)
{
    return profile.network.authMode != int(AuthMode::Open);
}

/// Checks what was read against the profile. Errors: InvalidArgument naming the missing or unwanted
/// key (never a value).
Status checkSecrets(const ProductProfile &profile, const ShiftSecrets &s, const QSet<QByteArray> &given)
{
    if (!s.softApPassword.isEmpty() && !isValidWpaPsk(s.softApPassword))
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("the SoftAP password must be 8 to 63 bytes, or 64 hexadecimal digits"));
    if (wantsPassphrase(profile) && s.passphrase.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("no passphrase for network \"%1\" (a 'passphrase=...' line)")
                .arg(profile.network.ssid));
    if (!s.passphrase.isEmpty() && (s.passphrase.size() < 8 || s.passphrase.size() > 64))
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the passphrase must be 8 to 64 bytes"));
    const bool prompt = profile.security.credentialsFrom == ProductProfile::CredentialsSource::Prompt;
    if (prompt && profile.security.minSecVer > 0 && s.credentials.pop.isEmpty()
        && s.credentials.password.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("profile %1 takes the device credentials from the operator: give 'pop=...' or "
                           "'password=...'")
                .arg(profile.id));
    if (!prompt) {
        for (const char *key : { "pop", "username", "password" }) {
            if (given.contains(key))
                return makeError(ErrorCode::InvalidArgument,
                    QStringLiteral(
                        "profile %1 takes the device credentials from each device's %2: no '%3=' line")
                        .arg(profile.id,
                            profile.security.credentialsFrom == ProductProfile::CredentialsSource::Qr
                                ? QStringLiteral("QR code")
                                : QStringLiteral("manifest line"),
                            QLatin1String(key)));
        }
    }
    return {};
}

/// The shift's secrets: `KEY=VALUE` lines on stdin (passphrase, pop, username, password,
/// softap_password; `#` comments and blank lines skipped), or typed at a prompt without echo when stdin
/// is a terminal (the SoftAP password only when `joinsSoftAps`).
/// Errors: InvalidArgument (an unknown key, a missing secret; the detail never holds a value).
Result<ShiftSecrets> readSecrets(const ProductProfile &profile, bool joinsSoftAps)
{
    ShiftSecrets s;
    QSet<QByteArray> given;
    const bool prompt = profile.security.credentialsFrom == ProductProfile::CredentialsSource::Prompt;
    if (::isatty(STDIN_FILENO)) {
        auto ask = [](const char *text, bool secret) {
            return promptLine(text, secret).value_or(QByteArray());
        };
        if (wantsPassphrase(profile)) {
            const QByteArray text = QStringLiteral("Wi-Fi passphrase for \"%1\": ")
                                        .arg(profile.network.ssid)
                                        .toUtf8();
            s.passphrase = ask(text.constData(), true);
        }
        if (prompt && profile.security.minSecVer > 0) {
            s.credentials.username = ask("Device SRP username (Enter: wifiprov; Security 1: Enter): ", false);
            s.credentials.pop = ask("Device PoP / SRP password: ", true);
        }
        if (joinsSoftAps)
            s.softApPassword = ask("Devices' SoftAP password (Enter: open SoftAPs): ", true);
        if (Status ok = checkSecrets(profile, s, given); !ok)
            return ok.error();
        return s;
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("cannot read the secrets from stdin"));
    const QByteArray all = in.read(kMaxSecretsBytes + 1);
    if (all.size() > kMaxSecretsBytes)
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("stdin holds more than %1 bytes").arg(kMaxSecretsBytes));
    int lineNumber = 0;
    for (QByteArray line : all.split('\n')) {
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.trimmed().startsWith('#'))
            continue;
        const qsizetype eq = line.indexOf('=');
        const QByteArray key = eq < 0 ? QByteArray() : line.left(eq).trimmed();
        const QByteArray value = line.mid(eq + 1); // as typed: a passphrase may have spaces at its ends
        QByteArray *target = key == "passphrase" ? &s.passphrase
            : key == "pop"                       ? &s.credentials.pop
            : key == "username"                  ? &s.credentials.username
            : key == "password"                  ? &s.credentials.password
            : key == "softap_password"           ? &s.softApPassword
                                                 : nullptr;
        if (!target)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral(
                    "stdin line %1: expected passphrase=, pop=, username=, password= or softap_password=")
                    .arg(lineNumber));
        if (given.contains(key))
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("stdin line %1: '%2=' given twice").arg(lineNumber).arg(QLatin1String(key)));
        given.insert(key);
        *target = value;
    }
    if (Status ok = checkSecrets(profile, s, given); !ok)
        return ok.error();
    return s;
}

/// True when the batch may join SoftAPs through NetworkManager: --softap-scan, or manifest rows of
/// SoftAP devices known by name only (no `host`).
bool joinsSoftAps(const Options &o, const Manifest &manifest)
{
    if (o.batch.softApScanSeconds > 0)
        return true;
    const QList<LineDevice> devices = manifest.devices();
    return std::any_of(devices.cbegin(), devices.cend(),
        [](const LineDevice &d) { return d.transport == TransportKind::SoftAp && d.address.isEmpty(); });
}

/// The workstation's default record (Workstation::defaultRecordPath(): organisation "prov",
/// application "prov-workstation"), so that the Records page shows the batches run here too.
QString defaultRecordPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("prov/prov-workstation/factory-record.sqlite"));
}

/// One batch run: the engine, its record and the output. Lives on the stack of runBatch().
class BatchRun
{
public:
    BatchRun(QCoreApplication &app, const Options &o, const ProductProfile &profile)
        : m_app(app)
        , m_o(o)
        , m_profile(profile)
    { }

    int run(ShiftSecrets secrets, std::unique_ptr<RecordStore> store, const Manifest &manifest);

private:
    void intake(const Manifest &manifest);
    void offer(const LineDevice &device, const std::optional<Error> &lookupError = std::nullopt);
    void lookUpSoftAps();
    void resolveSoftAps(const std::optional<Error> &error);
    void openScans();
    void openBleScan();
    void openSoftApScan();
    void scanEnded();
    void closeIntake();
    /// A SoftAP scanner on the batch's --wifi-interface (one: that one; none or several: every one).
    std::unique_ptr<SoftApScanner> makeSoftApScanner() const;
    void deviceChanged(const QString &key);
    void deviceEnded(const QString &key, LineDeviceState state);
    void printRefused(const LineDevice &device, const Error &why);
    int summary();
    QString laneTag(const LineDeviceStatus &s) const
    {
        return s.lane >= 0 ? QStringLiteral("[lane %1] ").arg(s.lane) : QString();
    }

    QCoreApplication &m_app;
    const Options &m_o;
    ProductProfile m_profile;
    std::unique_ptr<RecordStore> m_store;
    std::unique_ptr<StoreRecordSink> m_sink;
    /// The duplicate guard's answers: devices provisioned before in the same record.
    std::unique_ptr<StoreDuplicateLookup> m_duplicates;
    std::unique_ptr<BleConnectionLimit> m_bleLimit;
    /// After the store, the sink, the lookup and the BLE limit: destroyed first, so jobs still running
    /// when run() returns early end their attempts into a live sink.
    LaneEngine m_engine;
    Options m_lookupOptions; ///< the BLE devices to look up by name or address (lookUpBleDevices())
    std::unique_ptr<BleScanner> m_scanner; ///< --ble-scan
    /// The Wi-Fi scan that finds the BSSIDs of SoftAP devices known by name only (manifest rows
    /// without `host`), then --softap-scan's
    std::unique_ptr<SoftApScanner> m_wifiScanner;
    QList<LineDevice> m_wifiLookups; ///< SoftAP devices known by name only, waiting for their BSSID
    int m_openScans = 0; ///< --ble-scan and --softap-scan still running
    bool m_wifiLookupEnded = false; ///< the BSSID look-up ended (once)
    QHash<QString, LineDeviceState> m_seen; ///< the last state reported per device key
    QSet<QString> m_scanReported; ///< --ble-scan: devices whose refusal was reported once
    int m_refused = 0; ///< offered devices the engine did not take (profile, RSSI gate, not found)
    bool m_interrupted = false; ///< SIGINT / SIGTERM aborted the batch
    qint64 m_wallMs = 0; ///< from start to batchEnded, in ms
    QSet<QString> m_alreadyProvisioned; ///< --resume: keys the batch provisioned before
    QList<LineDevice> m_lookupDevices; ///< the devices of m_lookupOptions.targets, same order
};

void BatchRun::printRefused(const LineDevice &device, const Error &why)
{
    ++m_refused;
    progress(m_o, QStringLiteral("%1: not taken: %2").arg(device.key(), why.detail));
    if (m_o.json) {
        printJson({ { QStringLiteral("service_name"), device.serviceName },
            { QStringLiteral("transport"), transportKindName(device.transport) },
            { QStringLiteral("address"), device.address }, { QStringLiteral("source"), device.source },
            { QStringLiteral("state"), QStringLiteral("refused") }, { QStringLiteral("ok"), false },
            { QStringLiteral("attempts"), 0 }, { QStringLiteral("lane"), -1 },
            { QStringLiteral("error"), errorJson(why, device.transport) } });
    } else {
        std::printf("%s: refused %s\n", qPrintable(device.key()), qPrintable(why.toString()));
    }
    std::fflush(stdout);
}

void BatchRun::offer(const LineDevice &device, const std::optional<Error> &lookupError)
{
    if (m_alreadyProvisioned.contains(device.key()))
        return progress(
            m_o, QStringLiteral("%1: already provisioned in batch %2").arg(device.key(), m_engine.batchId()));
    if (lookupError)
        return printRefused(device, *lookupError);
    if (Status taken = m_engine.offer(device); !taken)
        printRefused(device, taken.error());
}

void BatchRun::intake(const Manifest &manifest)
{
    // BLE devices without an address (a manifest line, --service-name NAME or ADDRESS) are looked up
    // with one scan first, so that the engine sees them with their address and RSSI.
    m_lookupOptions = m_o;
    m_lookupOptions.targets.clear();
    auto lookUp = [this](const LineDevice &d, const QString &label, bool byAddress) {
        Target t;
        t.label = label;
        t.byBleAddress = byAddress;
        t.transport.kind = TransportKind::Ble;
        m_lookupOptions.targets << t;
        m_lookupDevices << d;
    };
    for (const LineDevice &d : manifest.devices()) {
        if (d.transport == TransportKind::Ble && d.address.isEmpty())
            lookUp(d, d.serviceName, false);
        else if (d.transport == TransportKind::SoftAp && d.address.isEmpty())
            m_wifiLookups << d; // joined by SSID: SoftApJobKind needs its BSSID (a Wi-Fi scan)
        else
            offer(d);
    }
    for (const Target &t : m_o.targets) {
        LineDevice d;
        d.serviceName = t.serviceName;
        d.transport = t.transport.kind;
        d.source = QStringLiteral("cli");
        if (t.transport.kind == TransportKind::Ble) {
            lookUp(d, t.label, t.byBleAddress);
            continue;
        }
        d.address = QStringLiteral("%1:%2").arg(t.transport.host).arg(t.transport.port);
        offer(d);
    }
    if (m_lookupOptions.targets.isEmpty())
        return lookUpSoftAps();
    lookUpBleDevices(m_lookupOptions, [this](QList<Target> found, std::optional<Error> error) {
        for (int i = 0; i < found.size() && i < m_lookupDevices.size(); ++i) {
            const Target &t = found.at(i);
            LineDevice d = m_lookupDevices.at(i);
            if (d.serviceName.isEmpty())
                d.serviceName = t.serviceName.isEmpty() ? t.label : t.serviceName;
            d.address = t.transport.bleAddress;
            d.rssiDbm = t.rssiDbm;
            offer(d, error ? error : t.lookupError);
        }
        lookUpSoftAps();
    });
}

std::unique_ptr<SoftApScanner> BatchRun::makeSoftApScanner() const
{
    auto scanner = std::make_unique<SoftApScanner>();
    if (m_o.wifiInterfaces.size() == 1)
        scanner->setInterfaceName(m_o.wifiInterfaces.constFirst());
    return scanner;
}

void BatchRun::lookUpSoftAps()
{
    if (m_wifiLookups.isEmpty() || m_engine.state() == LineState::Aborting
        || m_engine.state() == LineState::Aborted)
        return openScans();
    m_wifiScanner = makeSoftApScanner();
    m_wifiScanner->setSsidPatterns({}); // the exact names are matched in resolveSoftAps()
    m_wifiScanner->setScanTimeoutMs(m_o.scanTimeoutMs);
    auto error = std::make_shared<std::optional<Error>>();
    QObject::connect(m_wifiScanner.get(), &SoftApScanner::errorOccurred, [error](const Error &e) {
        if (!*error)
            *error = e;
    });
    // Queued: never inside the scanner's own signal (resolveSoftAps() drops it); the timer covers a
    // NetworkManager that never answers.
    QObject::connect(
        m_wifiScanner.get(), &SoftApScanner::scanFinished, &m_engine,
        [this, error] { resolveSoftAps(*error); }, Qt::QueuedConnection);
    QTimer::singleShot(m_o.scanTimeoutMs + 5000, &m_engine, [this, error] { resolveSoftAps(*error); });
    progress(m_o,
        QStringLiteral("looking up %1 SoftAP device(s) with a Wi-Fi scan (%2 ms)")
            .arg(m_wifiLookups.size())
            .arg(m_o.scanTimeoutMs));
    m_wifiScanner->start();
}

void BatchRun::resolveSoftAps(const std::optional<Error> &error)
{
    if (m_wifiLookupEnded)
        return;
    m_wifiLookupEnded = true;
    const QList<SoftApInfo> seen = m_wifiScanner ? m_wifiScanner->accessPoints() : QList<SoftApInfo>();
    if (m_wifiScanner)
        m_wifiScanner->stop();
    for (LineDevice d : std::as_const(m_wifiLookups)) {
        // The strongest access point with the device's SSID (any interface: the lane picks its own).
        const SoftApInfo *best = nullptr;
        for (const SoftApInfo &ap : seen) {
            if (ap.ssid == d.serviceName && (!best || ap.strengthPercent > best->strengthPercent))
                best = &ap;
        }
        if (!best) {
            offer(d,
                error && error->code != ErrorCode::PermissionDenied
                    ? *error
                    : makeError(ErrorCode::AccessPointNotFound,
                        QStringLiteral("%1 was not found by the Wi-Fi scan").arg(d.serviceName)));
            continue;
        }
        d.address = best->bssid;
        d.signalPercent = best->strengthPercent;
        offer(d);
    }
    m_wifiLookups.clear();
    QTimer::singleShot(0, &m_engine, [this] {
        m_wifiScanner.reset();
        openScans();
    });
}

void BatchRun::openScans()
{
    if (m_engine.state() == LineState::Aborting || m_engine.state() == LineState::Aborted)
        return closeIntake();
    m_openScans = (m_o.batch.bleScanSeconds > 0 ? 1 : 0) + (m_o.batch.softApScanSeconds > 0 ? 1 : 0);
    if (m_openScans == 0)
        return closeIntake();
    if (m_o.batch.bleScanSeconds > 0)
        openBleScan();
    if (m_o.batch.softApScanSeconds > 0)
        openSoftApScan();
}

void BatchRun::scanEnded()
{
    if (--m_openScans <= 0)
        closeIntake();
}

void BatchRun::openSoftApScan()
{
    m_wifiScanner = makeSoftApScanner();
    // The profile's name rule as the scanner's SSID filter; the profile still decides in offer().
    m_wifiScanner->setSsidPatterns({ m_profile.match.serviceNameRegex.isEmpty()
            ? m_profile.match.serviceNamePrefix
            : QStringLiteral("/%1/").arg(m_profile.match.serviceNameRegex) });
    m_wifiScanner->setScanTimeoutMs(m_o.batch.softApScanSeconds * 1000);
    QObject::connect(m_wifiScanner.get(), &SoftApScanner::accessPointSeen, [this](const SoftApInfo &ap) {
        if (!m_profile.matches(ap.ssid, TransportKind::SoftAp, 0))
            return;
        const LineDevice d = LineDevice::fromSoftApScan(ap);
        const auto known = m_engine.device(d.key());
        if (known && known->state != LineDeviceState::Waiting)
            return; // already queued or worked on (seen again, or on another interface)
        if (Status taken = m_engine.offer(d); !taken && !m_scanReported.contains(d.key())) {
            m_scanReported.insert(d.key());
            progress(m_o, QStringLiteral("%1: ignored: %2").arg(d.key(), taken.error().detail));
        }
    });
    auto ended = std::make_shared<bool>(false);
    auto end = [this, ended] {
        if (*ended)
            return;
        *ended = true;
        if (m_wifiScanner)
            m_wifiScanner->stop();
        scanEnded();
    };
    QObject::connect(
        m_wifiScanner.get(), &SoftApScanner::errorOccurred, &m_engine,
        [end](const Error &e) {
            std::fprintf(stderr, "provctl: batch: the Wi-Fi scan failed: %s\n", qPrintable(e.toString()));
            const QString advice = adviceFor(e.code, TransportKind::SoftAp);
            if (!advice.isEmpty())
                std::fprintf(stderr, "provctl: advice: %s\n", qPrintable(advice));
            // PermissionDenied: the access points NetworkManager already knew still come; wait for them.
            if (e.code != ErrorCode::PermissionDenied)
                end();
        },
        Qt::QueuedConnection);
    // Live updates go on after the scanner's own scanFinished(), for the whole --softap-scan.
    QTimer::singleShot(m_o.batch.softApScanSeconds * 1000, &m_engine, end);
    progress(m_o,
        QStringLiteral("scanning for SoftAP devices of profile %1 for %2 s")
            .arg(m_profile.id)
            .arg(m_o.batch.softApScanSeconds));
    m_wifiScanner->start();
}

void BatchRun::openBleScan()
{
    m_scanner = std::make_unique<BleScanner>();
    // Every device is reported; the profile decides (name, transport, RSSI gate) in offer().
    m_scanner->setNamePrefix(QString());
    m_scanner->setServiceUuids({});
    m_scanner->setDuration(m_o.batch.bleScanSeconds * 1000);
    auto consider = [this](const BleDeviceInfo &info) {
        if (info.name.isEmpty() || info.cached || !m_profile.matches(info.name, TransportKind::Ble, 0))
            return; // another product, a name not heard yet, or not advertising now: no RSSI to gate on
        const LineDevice d = LineDevice::fromBleScan(info);
        const auto known = m_engine.device(d.key());
        if (known && known->state != LineDeviceState::Waiting)
            return; // already queued or worked on: a scan repeats its reports
        if (Status taken = m_engine.offer(d); !taken && !m_scanReported.contains(d.key())) {
            m_scanReported.insert(d.key()); // a neighbour below the RSSI gate is reported once, not counted
            progress(m_o, QStringLiteral("%1: ignored: %2").arg(d.key(), taken.error().detail));
        }
    };
    QObject::connect(m_scanner.get(), &BleScanner::deviceDiscovered, consider);
    QObject::connect(m_scanner.get(), &BleScanner::deviceUpdated, consider);
    auto ended = std::make_shared<bool>(false);
    auto end = [this, ended] {
        if (!*ended) {
            *ended = true;
            scanEnded();
        }
    };
    QObject::connect(m_scanner.get(), &BleScanner::finished, end);
    QObject::connect(m_scanner.get(), &BleScanner::errorOccurred, [end](const Error &e) {
        std::fprintf(stderr, "provctl: batch: the BLE scan failed: %s\n", qPrintable(e.toString()));
        const QString advice = adviceFor(e.code, TransportKind::Ble);
        if (!advice.isEmpty())
            std::fprintf(stderr, "provctl: advice: %s\n", qPrintable(advice));
        end();
    });
    progress(m_o,
        QStringLiteral("scanning for BLE devices of profile %1 for %2 s")
            .arg(m_profile.id)
            .arg(m_o.batch.bleScanSeconds));
    m_scanner->start();
}

void BatchRun::closeIntake()
{
    if (m_engine.state() == LineState::Running || m_engine.state() == LineState::Paused)
        m_engine.finish();
}

void BatchRun::deviceChanged(const QString &key)
{
    const std::optional<LineDeviceStatus> s = m_engine.device(key);
    if (!s || m_seen.value(key, LineDeviceState::Waiting) == s->state)
        return;
    m_seen.insert(key, s->state);
    switch (s->state) {
    case LineDeviceState::Running:
        progress(m_o,
            QStringLiteral("%1%2: attempt %3 started").arg(laneTag(*s), s->serviceName).arg(s->attempts));
        break;
    case LineDeviceState::Retrying:
        progress(m_o,
            QStringLiteral("%1%2: attempt %3 failed (%4); retrying")
                .arg(laneTag(*s), s->serviceName)
                .arg(s->attempts)
                .arg(s->lastError ? s->lastError->toString() : QString()));
        break;
    default:
        break;
    }
}

void BatchRun::deviceEnded(const QString &key, LineDeviceState state)
{
    const std::optional<LineDeviceStatus> s = m_engine.device(key);
    if (!s)
        return;
    m_seen.insert(key, state);
    const bool ok = state == LineDeviceState::Succeeded;
    QJsonObject j { { QStringLiteral("service_name"), s->serviceName },
        { QStringLiteral("transport"), transportKindName(s->transport) },
        { QStringLiteral("address"), s->address }, { QStringLiteral("source"), s->source },
        { QStringLiteral("state"), lineDeviceStateName(state) }, { QStringLiteral("ok"), ok },
        { QStringLiteral("attempts"), s->attempts }, { QStringLiteral("lane"), s->lane },
        { QStringLiteral("batch_id"), m_engine.batchId() } };
    if (s->rssiDbm)
        j.insert(QStringLiteral("rssi_dbm"), *s->rssiDbm);
    QString line;
    if (ok && s->result) {
        j.insert(QStringLiteral("outcome"), provisionOutcomeName(s->result->provision.outcome));
        j.insert(QStringLiteral("firmware"), s->result->firmwareVersion);
        j.insert(QStringLiteral("status"), statusJson(s->result->provision.status));
        line = QStringLiteral("ok %1, firmware %2")
                   .arg(provisionOutcomeName(s->result->provision.outcome),
                       s->result->firmwareVersion.isEmpty() ? QStringLiteral("-")
                                                            : s->result->firmwareVersion);
        if (!s->result->duplicateNote.isEmpty()) {
            j.insert(QStringLiteral("duplicate_note"), s->result->duplicateNote);
            line += QStringLiteral(" (warning: %1)").arg(s->result->duplicateNote);
        }
    } else if (s->lastError) {
        j.insert(QStringLiteral("error"), errorJson(*s->lastError, s->transport));
        line = QStringLiteral("%1 (exit %2) %3")
                   .arg(lineDeviceStateName(state))
                   .arg(int(exitCodeFor(s->lastError->code)))
                   .arg(s->lastError->toString());
    } else {
        line = lineDeviceStateName(state);
    }
    progress(m_o,
        QStringLiteral("%1%2: %3 after %4 attempt(s)")
            .arg(laneTag(*s), s->serviceName, line)
            .arg(s->attempts));
    if (m_o.json)
        printJson(j);
    else
        std::printf("%s: %s\n", qPrintable(s->serviceName), qPrintable(line));
    std::fflush(stdout);
}

int BatchRun::summary()
{
    const LineCounters c = m_engine.counters();
    const bool aborted = m_engine.state() == LineState::Aborted;
    const int notOk = c.failed + c.skipped + c.aborted + c.waiting + c.queued + c.running + c.retrying
        + m_refused;
    int exitCode = Ok;
    if (m_interrupted || aborted)
        exitCode = Cancelled;
    else if (notOk > 0)
        exitCode = SomeFailed;
    if (m_sink && m_sink->lastError()) {
        std::fprintf(stderr, "provctl: batch: the record could not be written: %s\n",
            qPrintable(m_sink->lastError()->toString()));
        exitCode = InternalFailure;
    }
    const qint64 wallMs = m_wallMs;
    // Devices ended for good (succeeded or failed) per hour of the batch's wall time.
    const double perHour = wallMs > 0 ? (c.succeeded + c.failed) * 3600000.0 / double(wallMs) : 0.0;
    if (m_o.json) {
        printJson({ { QStringLiteral("summary"), true }, { QStringLiteral("ok"), exitCode == Ok },
            { QStringLiteral("batch_id"), m_engine.batchId() },
            { QStringLiteral("profile_id"), m_profile.id },
            { QStringLiteral("profile_version"), m_profile.version },
            { QStringLiteral("state"), lineStateName(m_engine.state()) },
            { QStringLiteral("lanes"), m_engine.laneCount() },
            { QStringLiteral("total"), c.total() + m_refused }, { QStringLiteral("succeeded"), c.succeeded },
            { QStringLiteral("failed"), c.failed }, { QStringLiteral("skipped"), c.skipped },
            { QStringLiteral("aborted"), c.aborted }, { QStringLiteral("refused"), m_refused },
            { QStringLiteral("wall_time_ms"), wallMs },
            { QStringLiteral("throughput_per_hour"), qRound(perHour * 10) / 10.0 },
            { QStringLiteral("record"), m_store ? m_store->path() : QString() },
            { QStringLiteral("exit_code"), exitCode } });
    }
    progress(m_o,
        QStringLiteral("batch %1 %2: %3 succeeded, %4 failed, %5 skipped, %6 aborted, %7 refused in %8 ms "
                       "(%9 devices/h, %10 lanes)")
            .arg(m_engine.batchId(), lineStateName(m_engine.state()))
            .arg(c.succeeded)
            .arg(c.failed)
            .arg(c.skipped)
            .arg(c.aborted)
            .arg(m_refused)
            .arg(wallMs)
            .arg(perHour, 0, 'f', 1)
            .arg(m_engine.laneCount()));
    std::fflush(stdout);
    return exitCode;
}

int BatchRun::run(ShiftSecrets secrets, std::unique_ptr<RecordStore> store, const Manifest &manifest)
{
    m_store = std::move(store);
    m_sink = std::make_unique<StoreRecordSink>(m_store.get());
    // The profile's `duplicates` decides what a device provisioned before (in this record) gets.
    m_duplicates = std::make_unique<StoreDuplicateLookup>(m_store.get());
    // SoftAP devices a Wi-Fi scan found (address = BSSID) are joined through NetworkManager first; the
    // first kind that handles a device runs it, so this one goes before the ESP kind.
    SoftApJobKind::Settings softAp;
    softAp.interfaces = m_o.wifiInterfaces;
    softAp.port = m_o.softApPort;
    softAp.joinTimeoutMs = m_o.joinTimeoutMs;
    m_engine.addJobKind(
        std::make_unique<GuardedJobKind>(std::make_unique<SoftApJobKind>(softAp), m_duplicates.get()));
    m_engine.addJobKind(std::make_unique<GuardedJobKind>(std::make_unique<EspJobKind>(), m_duplicates.get()));
    m_engine.setRecordSink(m_sink.get());

    BatchSettings settings;
    if (joinsSoftAps(m_o, manifest)) {
        // One interface joins one access point at a time: no more SoftAP lanes than interfaces.
        m_profile.lanes.softap = std::min(
            m_profile.lanes.softap, std::max(1, int(m_o.wifiInterfaces.size())));
    }
    settings.profile = m_profile;
    settings.secrets = std::move(secrets);
    settings.station = m_o.batch.station.isEmpty() ? QSysInfo::machineHostName() : m_o.batch.station;
    settings.operatorName = m_o.batch.operatorName.isEmpty() ? qEnvironmentVariable("USER")
                                                             : m_o.batch.operatorName;
    settings.lanes = m_o.batch.parallelSet ? m_o.parallel : 0;
    settings.transport = m_o.batch.transport;
    m_bleLimit = std::make_unique<BleConnectionLimit>(
        m_o.batch.parallelSet ? std::min(m_o.parallel, m_profile.lanes.ble) : m_profile.lanes.ble);
    settings.transport.bleLimit = m_bleLimit.get();
    settings.provisionOptions = m_o.provision;

    QObject::connect(
        &m_engine, &LaneEngine::deviceChanged, [this](const QString &key) { deviceChanged(key); });
    QObject::connect(&m_engine, &LaneEngine::deviceEnded,
        [this](const QString &key, LineDeviceState state) { deviceEnded(key, state); });
    QObject::connect(&m_engine, &LaneEngine::batchEnded, &m_app, [this] {
        m_wallMs = m_engine.elapsedMs(); // the engine's clock goes on after the end
        QTimer::singleShot(0, &m_app, [this] { m_app.exit(0); });
    });

    const Status started = m_o.batch.resumeBatchId.isEmpty()
        ? m_engine.start(settings)
        : resumeBatchFromRecord(m_engine, settings, *m_store, m_o.batch.resumeBatchId, m_alreadyProvisioned);
    if (!started)
        return reportFailure(
            m_o, { { QStringLiteral("command"), commandName(m_o.command) } }, started.error());
    progress(m_o,
        QStringLiteral("batch %1: profile %2 version %3, %4 lanes, record %5")
            .arg(m_engine.batchId(), m_profile.id, m_profile.version)
            .arg(m_engine.laneCount())
            .arg(m_store->path()));

    // SIGINT / SIGTERM abort the batch: running attempts are cancelled and recorded Cancelled.
    if (::pipe(g_signalPipe) != 0)
        return reportFailure(m_o, { { QStringLiteral("command"), commandName(m_o.command) } },
            makeError(ErrorCode::Internal, QStringLiteral("cannot create the signal pipe")));
    QSocketNotifier stopNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&stopNotifier, &QSocketNotifier::activated, [this, &stopNotifier] {
        char c = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &c, 1);
        stopNotifier.setEnabled(false);
        m_interrupted = true;
        progress(m_o, QStringLiteral("interrupted: aborting the batch (running attempts are cancelled)"));
        if (m_scanner)
            m_scanner->stop();
        if (m_wifiScanner)
            m_wifiScanner->stop();
        m_engine.abort();
    });
    struct sigaction action
    {
    };
    action.sa_handler = onStopSignal;
    action.sa_flags = SA_RESETHAND; // a second Ctrl-C ends the process at once
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);

    QTimer::singleShot(0, &m_engine, [this, &manifest] { intake(manifest); });
    m_app.exec();
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    m_scanner.reset();
    m_wifiScanner.reset();
    // The SoftAP jobs give their Wi-Fi interfaces back after they ended (SoftApLink): wait for that, so
    // every interface is on its earlier connection again when provctl exits (each leave takes <= 10 s).
    if (!SoftApLink::waitForInterfacesReleased(kSoftApLeaveWaitMs))
        progress(m_o,
            QStringLiteral("%1 Wi-Fi interface(s) not given back within %2 ms")
                .arg(SoftApLink::interfacesHeld())
                .arg(kSoftApLeaveWaitMs));
    return summary();
}

} // namespace

int runBatch(QCoreApplication &app, const Options &o)
{
    // The engine logs every lane start and end (prov.line); the batch prints its own progress.
    if (!o.verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("qt.bluetooth*.warning=false\nprov.line.info=false"));
    auto fail = [&o](const Error &e) {
        return reportFailure(o, { { QStringLiteral("command"), commandName(o.command) } }, e);
    };
    const Result<ProductProfile> profile = ProductProfile::load(o.batch.profilePath);
    if (!profile)
        return fail(profile.error());
    Manifest manifest;
    if (!o.batch.manifestPath.isEmpty()) {
        Result<Manifest> read = loadManifest(o.batch.manifestPath);
        if (!read)
            return fail(makeError(ErrorCode::InvalidArgument, read.error().detail));
        manifest = std::move(read.value());
        for (const QString &problem : std::as_const(manifest.problems))
            std::fprintf(stderr, "provctl: %s: %s\n", qPrintable(o.batch.manifestPath), qPrintable(problem));
    }
    Result<ShiftSecrets> secrets = readSecrets(*profile, joinsSoftAps(o, manifest));
    if (!secrets)
        return fail(secrets.error());

    const QString recordPath = o.batch.recordPath.isEmpty() ? defaultRecordPath() : o.batch.recordPath;
    if (!QDir().mkpath(QFileInfo(recordPath).absolutePath()))
        return fail(makeError(
            ErrorCode::StorageFailed, QStringLiteral("cannot create the folder of %1").arg(recordPath)));
    Result<std::unique_ptr<RecordStore>> store = RecordStore::openSqlite(recordPath);
    if (!store)
        return fail(store.error());

    BatchRun run(app, o, *profile);
    return run.run(std::move(secrets.value()), std::move(store.value()), manifest);
}

} // namespace provctl
