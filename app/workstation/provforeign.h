// SPDX-License-Identifier: Apache-2.0
#pragma once

// libprov's enums as QML enums (docs/architecture.md, "Naming"). libprov knows nothing of QML
// (principle 1), so the app registers its meta namespaces here with QML_FOREIGN_NAMESPACE: pages
// compare typed values by name (`session.transportKind === Transport.Ble`), never magic numbers.
// `prov` can hold only one Q_NAMESPACE (error.h, ErrorCode); the other enums live in nested meta
// namespaces, one registration each.

#include "prov/error.h"
#include "prov/laneengine.h"
#include "prov/provisioner.h"
#include "prov/record.h"
#include "prov/transportconfig.h"
#include "prov/wifi.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

/// `Prov.<ErrorCode>`: prov::ErrorCode (Prov.WifiAuthError, Prov.Cancelled, ...).
namespace ProvForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(prov)
QML_NAMED_ELEMENT(Prov)
} // namespace ProvForeign

/// `Provision.<value>`: prov::ProvisionStep, prov::ProvisionOutcome, prov::AfterApplyLinkClosed.
namespace ProvisionForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(prov::provisionmeta)
QML_NAMED_ELEMENT(Provision)
} // namespace ProvisionForeign

/// `Wifi.<value>`: prov::AuthMode, prov::WifiState, prov::WifiFailReason.
namespace WifiForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(prov::wifimeta)
QML_NAMED_ELEMENT(Wifi)
} // namespace WifiForeign

/// `Transport.<value>`: prov::TransportKind (Transport.SoftAp, Transport.Ble).
namespace TransportForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(prov::transportmeta)
QML_NAMED_ELEMENT(Transport)
} // namespace TransportForeign

/// `Record.<value>`: prov::RecordOutcome (Record.Provisioned, Record.Failed, ...).
namespace RecordForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(prov::recordmeta)
QML_NAMED_ELEMENT(Record)
} // namespace RecordForeign

/// `Line.<enum>.<value>`: prov::LineState and prov::LineDeviceState. Both have Running and Aborted,
/// so pages name the enum too: `Line.LineState.Running`, `Line.LineDeviceState.Failed`.
namespace LineForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(prov::linemeta)
QML_NAMED_ELEMENT(Line)
} // namespace LineForeign
