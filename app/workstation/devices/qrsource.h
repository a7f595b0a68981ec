// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/devicesource.h"

#include "prov/error.h"

#include <QtQml/qqmlregistration.h>

#include <optional>

/// Devices from provisioning QR payloads (docs/protocol.md §11): decoded by the camera, read from an
/// image or the clipboard, or typed by a handheld keyboard-wedge scanner. The payload is parsed
/// with prov::parseQrPayload; a QR for a device already listed merges its credentials into that
/// row (DeviceListModel merges by service name). The payload text is never kept or logged: it
/// carries the PoP. GUI thread.
class QrSource : public DeviceSource
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("QrSource is created by the workstation")
    /// Why the last payload was refused, as a sentence ("" after an accepted one).
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    /// Service name of the last accepted payload.
    Q_PROPERTY(QString lastAccepted READ lastAccepted NOTIFY accepted)
public:
    using DeviceSource::DeviceSource;
    DeviceOrigin origin() const override { return DeviceOrigin::Qr; }

    /// Parses `text` (the JSON payload, or the esp-jumpstart URL carrying it in `data=`).
    /// Returns false and emits rejected() with a clear reason when it is not a provisioning QR.
    Q_INVOKABLE bool submit(const QString &text);

    /// Submits the clipboard's text (Ctrl+V on the Devices page). Returns false without a
    /// rejection when the clipboard holds no text (a QR picture goes to CameraController).
    Q_INVOKABLE bool submitClipboardText();

    /// The entry a payload describes, or the MalformedMessage error (detail names the field).
    static prov::Result<DeviceEntry> entryFromPayload(const QByteArray &payload);

    QString lastError() const { return m_lastError; }
    QString lastAccepted() const { return m_lastAccepted; }

Q_SIGNALS:
    void accepted(const QString &serviceName);
    void rejected(const QString &reason);
    void lastErrorChanged();

private:
    QString m_lastError;
    QString m_lastAccepted;
};
