// SPDX-License-Identifier: Apache-2.0
#include "cameracontroller.h"

#include "qrlogging.h"

#include "prov/qrpayload.h"

#include <QCamera>
#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMimeData>

namespace {

QString noCameraAdvice()
{
    return CameraController::tr("use a QR image, the clipboard, a handheld scanner or manual entry");
}

} // namespace

CameraController::CameraController(QObject *parent)
    : QObject(parent)
    , m_ownSink(new QVideoSink(this))
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("QrImageDecoder"));
    connect(
        &m_devices, &QMediaDevices::videoInputsChanged, this, &CameraController::handleVideoInputsChanged);
    connect(&m_scanner, &QrFrameScanner::payloadDecoded, this, &CameraController::handleScannerPayload);
    m_inputs = QMediaDevices::videoInputs();
    m_cameraIndex = m_inputs.isEmpty()
        ? -1
        : std::max(0, int(m_inputs.indexOf(QMediaDevices::defaultVideoInput())));
    applySink();
    updateStatus();
}

CameraController::~CameraController()
{
    m_scanner.setVideoSink(nullptr);
    if (m_session) {
        m_session->setCamera(nullptr);
        m_session->setVideoSink(nullptr);
    }
    if (m_camera)
        m_camera->stop();
    m_pool.waitForDone();
}

bool CameraController::isAvailable() const
{
    return !m_inputs.isEmpty();
}

bool CameraController::isActive() const
{
    return m_active;
}

QString CameraController::statusText() const
{
    return m_statusText;
}

QStringList CameraController::cameraNames() const
{
    QStringList names;
    names.reserve(m_inputs.size());
    for (const QCameraDevice &device : m_inputs)
        names.append(device.description());
    return names;
}

int CameraController::cameraIndex() const
{
    return m_cameraIndex;
}

void CameraController::setCameraIndex(int index)
{
    if (index < 0 || index >= m_inputs.size() || index == m_cameraIndex)
        return;
    m_cameraIndex = index;
    Q_EMIT cameraIndexChanged();
    if (m_active)
        start(); // switches to the chosen device
    else
        updateStatus();
}

QVideoSink *CameraController::videoSink() const
{
    return m_externalSink ? m_externalSink.data() : m_ownSink;
}

void CameraController::setVideoSink(QVideoSink *sink)
{
    if (sink == m_ownSink)
        sink = nullptr;
    if (sink == m_externalSink)
        return;
    disconnect(m_externalSinkDestroyed);
    m_externalSink = sink;
    if (sink) {
        // A VideoOutput owns its sink and may go away before this controller does.
        m_externalSinkDestroyed = connect(sink, &QObject::destroyed, this, [this] {
            m_externalSink = nullptr;
            applySink();
            Q_EMIT videoSinkChanged();
        });
    }
    applySink();
    Q_EMIT videoSinkChanged();
}

bool CameraController::isBusy() const
{
    return m_imageJobs > 0;
}

QString CameraController::resultText() const
{
    return m_resultText;
}

bool CameraController::resultIsError() const
{
    return m_resultIsError;
}

QrFrameScanner *CameraController::scanner()
{
    return &m_scanner;
}

QrImageLimits CameraController::imageLimits() const
{
    return m_limits;
}

void CameraController::setImageLimits(const QrImageLimits &limits)
{
    m_limits = limits;
}

void CameraController::start()
{
    if (m_inputs.isEmpty()) {
        qCInfo(lcWsQr) << "start requested but no camera is connected";
        updateStatus();
        return;
    }
    const QCameraDevice device = m_inputs.value(m_cameraIndex, m_inputs.constFirst());
    // The capture pipeline is built only when there is a camera to feed it.
    if (!m_session)
        m_session = std::make_unique<QMediaCaptureSession>();
    if (!m_camera || m_camera->cameraDevice() != device) {
        if (m_camera) {
            m_camera->stop();
            m_session->setCamera(nullptr);
        }
        m_camera = std::make_unique<QCamera>(device);
        connect(m_camera.get(), &QCamera::activeChanged, this, &CameraController::handleCameraActiveChanged);
        connect(m_camera.get(), &QCamera::errorOccurred, this, &CameraController::handleCameraError);
        m_session->setCamera(m_camera.get());
    }
    applySink();
    m_cameraError.clear();
    m_scanner.resetRepeatSuppression();
    qCInfo(lcWsQr) << "starting camera" << device.description();
    m_camera->start();
    // Qt 6.4 reports a missing device through error() after start(), without errorOccurred.
    if (m_camera->error() != QCamera::NoError)
        m_cameraError = m_camera->errorString();
    setActive(m_camera->isActive());
    updateStatus();
}

void CameraController::stop()
{
    if (m_camera)
        m_camera->stop();
    setActive(m_camera && m_camera->isActive());
    updateStatus();
}

void CameraController::decodeImageFile(const QUrl &file)
{
    QString path;
    if (file.isLocalFile())
        path = file.toLocalFile();
    else if (file.scheme() == QLatin1String("qrc"))
        path = QLatin1Char(':') + file.path();
    else if (file.scheme().isEmpty())
        path = file.path();
    const QString sourceName = tr("“%1”").arg(QFileInfo(path.isEmpty() ? file.toString() : path).fileName());
    if (path.isEmpty()) {
        const QrImageFile::Outcome failure = file.isEmpty()
            ? QrImageFile::failure(QrImageFile::Error::FileNotFound, tr("No file was chosen."))
            : QrImageFile::failure(QrImageFile::Error::FileUnreadable,
                tr("Only image files on this computer can be opened, not %1.").arg(file.scheme()));
        runImageJob(sourceName, [failure] { return failure; });
        return;
    }
    const QrImageLimits limits = m_limits;
    runImageJob(sourceName, [path, limits] { return QrImageFile::decodeFile(path, limits); });
}

void CameraController::decodeClipboard()
{
    // QClipboard exists only with a QGuiApplication and only on its thread.
    const auto *app = qobject_cast<QGuiApplication *>(QCoreApplication::instance());
    const QMimeData *mime = app ? QGuiApplication::clipboard()->mimeData() : nullptr;
    const QString clipboardName = tr("the clipboard image");
    if (mime && mime->hasImage()) {
        const QImage image = qvariant_cast<QImage>(mime->imageData());
        if (!image.isNull()) {
            const QrImageLimits limits = m_limits;
            runImageJob(tr("the clipboard"), [image, clipboardName, limits] {
                return QrImageFile::decodeImage(image, clipboardName, limits);
            });
            return;
        }
    }
    if (mime && mime->hasUrls()) {
        // A file manager's "Copy" puts the file's URL on the clipboard, not the picture.
        const QList<QUrl> urls = mime->urls();
        for (const QUrl &url : urls) {
            if (url.isLocalFile()) {
                decodeImageFile(url);
                return;
            }
        }
    }
    const QString reason = mime && mime->hasText()
        ? tr("The clipboard holds text: paste it into the scanner field (Ctrl+V on the Devices page).")
        : tr("The clipboard holds no image. Copy a QR code picture or image file and try again.");
    const QrImageFile::Outcome failure = QrImageFile::failure(
        QrImageFile::Error::ClipboardHasNoImage, reason);
    runImageJob(tr("the clipboard"), [failure] { return failure; });
}

void CameraController::handleVideoInputsChanged()
{
    const QCameraDevice current = m_inputs.value(m_cameraIndex);
    const bool wasAvailable = isAvailable();
    m_inputs = QMediaDevices::videoInputs();
    qCInfo(lcWsQr) << "cameras changed:" << m_inputs.size() << "connected";
    int index = m_inputs.indexOf(current);
    if (index < 0 && m_camera) {
        // The camera in use went away.
        m_camera->stop();
        m_session->setCamera(nullptr);
        m_camera.reset();
        m_cameraError = tr("the camera was disconnected");
        setActive(false);
    }
    if (index < 0)
        index = m_inputs.isEmpty() ? -1
                                   : std::max(0, int(m_inputs.indexOf(QMediaDevices::defaultVideoInput())));
    Q_EMIT camerasChanged();
    if (index != m_cameraIndex) {
        m_cameraIndex = index;
        Q_EMIT cameraIndexChanged();
    }
    if (wasAvailable != isAvailable())
        Q_EMIT availableChanged();
    updateStatus();
}

void CameraController::handleCameraActiveChanged(bool active)
{
    setActive(active);
    updateStatus();
}

void CameraController::handleCameraError()
{
    if (!m_camera || m_camera->error() == QCamera::NoError)
        return;
    m_cameraError = m_camera->errorString();
    qCWarning(lcWsQr) << "camera error:" << m_cameraError;
    setActive(m_camera->isActive());
    updateStatus();
}

void CameraController::handleScannerPayload(const QString &text)
{
    const QString source = tr("the camera");
    setResult(describePayload(text, source), false);
    Q_EMIT payloadDecoded(text);
}

void CameraController::applySink()
{
    QVideoSink *sink = videoSink();
    if (m_session)
        m_session->setVideoSink(sink);
    m_scanner.setVideoSink(sink);
}

void CameraController::updateStatus()
{
    QString text;
    if (m_inputs.isEmpty() && m_cameraError.isEmpty())
        text = tr("No camera detected — %1").arg(noCameraAdvice());
    else if (!m_cameraError.isEmpty() && !m_active)
        text = tr("The camera cannot be used (%1) — %2").arg(m_cameraError, noCameraAdvice());
    else if (m_active)
        text = tr("Scanning with %1 — hold the QR code 10 to 30 cm in front of the camera").arg(cameraName());
    else
        text = tr("Camera ready: %1 — press Start camera to scan").arg(cameraName());
    if (text == m_statusText)
        return;
    m_statusText = text;
    Q_EMIT statusTextChanged();
}

void CameraController::setActive(bool active)
{
    if (m_active == active)
        return;
    m_active = active;
    Q_EMIT activeChanged();
}

void CameraController::setResult(const QString &text, bool isError)
{
    if (m_resultText == text && m_resultIsError == isError)
        return;
    m_resultText = text;
    m_resultIsError = isError;
    Q_EMIT resultChanged();
}

void CameraController::runImageJob(const QString &sourceName, std::function<QrImageFile::Outcome()> job)
{
    if (m_imageJobs++ == 0)
        Q_EMIT busyChanged();
    m_pool.start([this, sourceName, job = std::move(job)] {
        const QrImageFile::Outcome outcome = job();
        QMetaObject::invokeMethod(
            this, [this, outcome, sourceName] { finishImageJob(outcome, sourceName); }, Qt::QueuedConnection);
    });
}

void CameraController::finishImageJob(const QrImageFile::Outcome &outcome, const QString &sourceName)
{
    if (--m_imageJobs == 0)
        Q_EMIT busyChanged();
    if (outcome.ok()) {
        setResult(describePayload(outcome.text, sourceName), false);
        Q_EMIT payloadDecoded(outcome.text);
    } else {
        qCInfo(lcWsQr).noquote() << "no QR payload from" << sourceName << outcome.error;
        setResult(outcome.reason, true);
        Q_EMIT decodeFailed(outcome.reason, outcome.error);
    }
}

QString CameraController::describePayload(const QString &text, const QString &sourceName) const
{
    // Only the device name is shown or logged; the payload holds the PoP (§11).
    const prov::Result<prov::QrPayload> payload = prov::parseQrPayload(text.toUtf8());
    if (!payload) {
        qCInfo(lcWsQr).noquote() << "QR code read from" << sourceName << "(" << text.size()
                                 << "characters, not a §11 payload)";
        return tr("Read a QR code from %1.").arg(sourceName);
    }
    qCInfo(lcWsQr).noquote() << "QR code read from" << sourceName << ":" << payload->describeMasked();
    return tr("Read the QR code of %1 from %2.").arg(payload->name, sourceName);
}

QString CameraController::cameraName() const
{
    const QCameraDevice device = m_inputs.value(m_cameraIndex);
    return device.isNull() ? tr("the camera") : device.description();
}
