// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "qrframescanner.h"
#include "qrimagefile.h"

#include <QCameraDevice>
#include <QList>
#include <QMediaCaptureSession>
#include <QMediaDevices>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThreadPool>
#include <QUrl>
#include <QVideoSink>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>

class QCamera;

/// The workstation's QR inputs for QML: the camera (QCamera -> QMediaCaptureSession -> QVideoSink,
/// decoded by a QrFrameScanner), QR image files and the clipboard.
///
/// Created in C++ and handed to QML as a required property (QrScanPanel.qml); lives in the GUI
/// thread. Every way in ends in payloadDecoded(text) with the raw QR text (usually the §11 JSON,
/// which the device list parses with prov::parseQrPayload and which holds secrets: never log or
/// show it). decodeImageFile() and decodeClipboard() are asynchronous: the file is read and the
/// image decoded on a worker thread, and each call ends exactly once, in payloadDecoded() or
/// decodeFailed(). Camera frames only ever end in payloadDecoded() (a frame without a code is
/// the normal case), with repeats suppressed as QrFrameScanner describes.
///
/// Without a camera (QMediaDevices::videoInputs() empty) `available` is false, statusText says so
/// in plain words, start() does nothing, and files and the clipboard keep working.
class CameraController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("CameraController is created in C++ and passed to QML as a required property")

    /// True when at least one camera is connected (follows QMediaDevices::videoInputsChanged).
    Q_PROPERTY(bool available READ isAvailable NOTIFY availableChanged)
    /// True while the camera delivers frames.
    Q_PROPERTY(bool active READ isActive NOTIFY activeChanged)
    /// One plain sentence about the camera for the user (no camera, ready, scanning, error).
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
    /// Descriptions of the connected cameras, in QMediaDevices::videoInputs() order.
    Q_PROPERTY(QStringList cameraNames READ cameraNames NOTIFY camerasChanged)
    /// Index into cameraNames of the camera to use (-1 when there is none). Changing it while
    /// active switches cameras.
    Q_PROPERTY(int cameraIndex READ cameraIndex WRITE setCameraIndex NOTIFY cameraIndexChanged)
    /// The sink the capture session feeds and the scanner decodes. Bind it to VideoOutput.videoSink
    /// so preview and decoder share frames; when unset (or that sink is destroyed) an internal sink
    /// is used, so scanning works without a preview.
    Q_PROPERTY(QVideoSink *videoSink READ videoSink WRITE setVideoSink NOTIFY videoSinkChanged)
    /// True while an image file or clipboard image is being decoded.
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    /// One plain sentence about the last QR read or failure (never the payload), empty at first.
    Q_PROPERTY(QString resultText READ resultText NOTIFY resultChanged)
    /// True when resultText describes a failure.
    Q_PROPERTY(bool resultIsError READ resultIsError NOTIFY resultChanged)

public:
    explicit CameraController(QObject *parent = nullptr);
    /// Stops the camera and waits for a running image decode.
    ~CameraController() override;

    bool isAvailable() const;
    bool isActive() const;
    QString statusText() const;
    QStringList cameraNames() const;
    int cameraIndex() const;
    void setCameraIndex(int index);
    QVideoSink *videoSink() const;
    /// Not owned. nullptr returns to the internal sink.
    void setVideoSink(QVideoSink *sink);
    bool isBusy() const;
    QString resultText() const;
    bool resultIsError() const;

    /// The frame scanner (decode rate, repeat window). Owned by the controller.
    QrFrameScanner *scanner();
    /// Caps for image files and clipboard images (defaults: 20 MB, 40 megapixels).
    QrImageLimits imageLimits() const;
    void setImageLimits(const QrImageLimits &limits);

    /// Starts the chosen camera. Without a camera, or when it cannot be opened, `active` stays
    /// false and statusText explains; never blocks on the device.
    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    /// Reads the QR code in a local image file (file: URL, or a plain path). Asynchronous; ends in
    /// payloadDecoded() or decodeFailed() with FileNotFound, FileUnreadable, NotAnImage,
    /// ImageDamaged, ImageTooLarge or NoQrCode.
    Q_INVOKABLE void decodeImageFile(const QUrl &file);
    /// Reads the QR code in the clipboard's image, or in the image file copied to the clipboard.
    /// The clipboard itself is read on the GUI thread (QClipboard requires it); the decode runs on
    /// a worker. Ends in payloadDecoded() or decodeFailed() (ClipboardHasNoImage, or as above).
    Q_INVOKABLE void decodeClipboard();

Q_SIGNALS:
    /// A QR code was read from the camera, a file or the clipboard (raw text; holds secrets).
    void payloadDecoded(const QString &text);
    /// A file or clipboard image gave no payload: `reason` is one sentence for the user.
    void decodeFailed(const QString &reason, QrImageFile::Error error);
    void availableChanged();
    void activeChanged();
    void statusTextChanged();
    void camerasChanged();
    void cameraIndexChanged();
    void videoSinkChanged();
    void busyChanged();
    void resultChanged();

private:
    void handleVideoInputsChanged();
    void handleCameraActiveChanged(bool active);
    void handleCameraError();
    void handleScannerPayload(const QString &text);
    void applySink();
    void updateStatus();
    void setActive(bool active);
    void setResult(const QString &text, bool isError);
    void runImageJob(const QString &sourceName, std::function<QrImageFile::Outcome()> job);
    void finishImageJob(const QrImageFile::Outcome &outcome, const QString &sourceName);
    QString describePayload(const QString &text, const QString &sourceName) const;
    QString cameraName() const;

    QMediaDevices m_devices;
    QList<QCameraDevice> m_inputs;
    int m_cameraIndex = -1;
    std::unique_ptr<QMediaCaptureSession> m_session; // created by the first start() with a camera
    std::unique_ptr<QCamera> m_camera;
    QVideoSink *m_ownSink = nullptr; // child of this
    QPointer<QVideoSink> m_externalSink;
    QMetaObject::Connection m_externalSinkDestroyed;
    QrFrameScanner m_scanner;
    QString m_cameraError;
    QString m_statusText;
    QString m_resultText;
    bool m_resultIsError = false;
    bool m_active = false;
    int m_imageJobs = 0;
    QrImageLimits m_limits;
    QThreadPool m_pool; // last member: destroyed (and waited for) first
};
