// SPDX-License-Identifier: Apache-2.0
// bench_ws_startup: cold start of the workstation to its first frame, as a whole process.
// Spawns ws-startup-probe N times (offscreen platform, fresh record and settings each time; once
// with the demo fleet's manifest loaded) and reports the time from spawning the process to its
// first QQuickWindow::frameSwapped(): first run, min, median, p90, max in ms.
//
//   bench_ws_startup [--runs N] [--manifest FILE]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

namespace {
struct Stats
{
    double first = 0, min = 0, median = 0, p90 = 0, max = 0;
};

Stats stats(QList<double> v)
{
    Stats s;
    if (v.isEmpty())
        return s;
    s.first = v.constFirst();
    std::sort(v.begin(), v.end());
    s.min = v.constFirst();
    s.max = v.constLast();
    s.median = v.at(v.size() / 2);
    s.p90 = v.at(std::min<qsizetype>(v.size() - 1, qsizetype(v.size() * 0.9)));
    return s;
}

/// One start: ms from spawning to the first frame, or -1.
double runOnce(const QString &manifest)
{
    QTemporaryDir dir;
    QProcess probe;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    probe.setProcessEnvironment(env);
    probe.setProcessChannelMode(QProcess::SeparateChannels);
    QStringList args { dir.filePath(QStringLiteral("record.sqlite")),
        dir.filePath(QStringLiteral("settings.ini")) };
    if (!manifest.isEmpty())
        args << manifest;
    const qint64 spawned = QDateTime::currentMSecsSinceEpoch();
    probe.start(QStringLiteral(PROBE_PATH), args);
    if (!probe.waitForFinished(30000) || probe.exitCode() != 0) {
        std::fprintf(stderr, "probe failed: %s\n", probe.readAllStandardError().constData());
        return -1;
    }
    const QByteArray out = probe.readAllStandardOutput();
    const qsizetype at = out.indexOf("first_frame_epoch_ms ");
    if (at < 0)
        return -1;
    const qint64 frame = out.mid(at + 21).trimmed().toLongLong();
    return double(frame - spawned);
}

void measure(const char *label, int runs, const QString &manifest)
{
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        const double ms = runOnce(manifest);
        if (ms < 0)
            return;
        times << ms;
    }
    const Stats s = stats(times);
    std::printf("%-22s runs %3d  first %6.0f ms  min %6.0f  median %6.0f  p90 %6.0f  max %6.0f\n", label,
        runs, s.first, s.min, s.median, s.p90, s.max);
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Workstation cold start to first frame (whole process)."));
    parser.addHelpOption();
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Starts per case (default 20)."),
        QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption manifest(QStringLiteral("manifest"),
        QStringLiteral("Also start with this manifest loaded."), QStringLiteral("file"));
    parser.addOptions({ runs, manifest });
    parser.process(app);
    const int n = std::max(1, parser.value(runs).toInt());
    measure("empty device list", n, {});
    if (parser.isSet(manifest))
        measure("with manifest", n, parser.value(manifest));
    return 0;
}
