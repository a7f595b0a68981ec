// SPDX-License-Identifier: Apache-2.0
// qr-samples: writes one QR sticker (PNG) per device of a prov-sim fleet file, with exactly the
// payload prov-sim prints for that device (its "qr" line, docs/protocol.md §11). prov-sim is run as a
// separate process (with a private D-Bus for its BLE devices when dbus-daemon is installed) so the
// stickers always match what the simulator serves. Each image is decoded back before it is
// written. Payloads are never printed (they hold the demo PoPs).
//
//   qr-samples --fleet resources/demo/fleet.json --write-samples resources/samples
#include "qr/qrdecoder.h"
#include "qr/qrrenderer.h"

#include "provsimpayloads.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>

#include <cstdio>

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "qr-samples: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qr-samples"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Writes QR sticker PNGs for the devices of a prov-sim fleet file."));
    parser.addHelpOption();
    const QCommandLineOption fleetOption(
        QStringLiteral("fleet"), QStringLiteral("Fleet file given to prov-sim."), QStringLiteral("file"));
    const QCommandLineOption outOption(QStringLiteral("write-samples"),
        QStringLiteral("Directory the PNGs are written to (created if missing)."), QStringLiteral("dir"));
    const QCommandLineOption simOption(QStringLiteral("prov-sim"), QStringLiteral("prov-sim executable."),
        QStringLiteral("path"), QStringLiteral(PROV_SIM_PATH));
    const QCommandLineOption scaleOption(QStringLiteral("pixels-per-module"),
        QStringLiteral("Module size in px."), QStringLiteral("n"), QStringLiteral("8"));
    parser.addOptions({ fleetOption, outOption, simOption, scaleOption });
    parser.process(app);
    if (!parser.isSet(fleetOption) || !parser.isSet(outOption))
        return fail(QStringLiteral("--fleet and --write-samples are required"));
    bool scaleOk = false;
    const int pixelsPerModule = parser.value(scaleOption).toInt(&scaleOk);
    if (!scaleOk || pixelsPerModule < 1 || pixelsPerModule > QrRenderer::kMaxPixelsPerModule)
        return fail(QStringLiteral("--pixels-per-module must be 1..%1").arg(QrRenderer::kMaxPixelsPerModule));

    QString error;
    const QList<qrtest::SimPayload> samples = qrtest::provSimPayloads(
        parser.value(simOption), parser.value(fleetOption), &error);
    if (samples.isEmpty())
        return fail(error.isEmpty() ? QStringLiteral("the fleet has no devices") : error);

    const QDir out(parser.value(outOption));
    if (!out.mkpath(QStringLiteral(".")))
        return fail(QStringLiteral("cannot create %1").arg(out.path()));
    static const QRegularExpression safeName(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    for (const qrtest::SimPayload &sample : samples) {
        if (!safeName.match(sample.serviceName).hasMatch() || sample.payload.isEmpty())
            return fail(QStringLiteral("unexpected device line from prov-sim (service name \"%1\")")
                            .arg(sample.serviceName));
        const QImage image = QrRenderer::render(sample.payload, pixelsPerModule, 4);
        if (image.isNull())
            return fail(QStringLiteral("%1: payload does not fit in a QR code").arg(sample.serviceName));
        if (QrDecoder::decodeImage(image) != sample.payload)
            return fail(QStringLiteral("%1: the rendered code does not decode back").arg(sample.serviceName));
        const QString path = out.filePath(sample.serviceName + QStringLiteral(".png"));
        if (!image.save(path, "PNG"))
            return fail(QStringLiteral("cannot write %1").arg(path));
        std::printf("wrote %s (%d x %d px, %lld-byte payload)\n", qPrintable(QDir::toNativeSeparators(path)),
            image.width(), image.height(), static_cast<long long>(sample.payload.toUtf8().size()));
    }
    return 0;
}
