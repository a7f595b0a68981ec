// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/provisioner.h"
#include "prov/transportconfig.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace prov {

/// The values a custom step's payload may refer to (`${service_name}`, `${station}`, `${operator}`,
/// `${counter}`, `${batch}`, `${field:NAME}`). Filled in by the line engine for each device.
struct PlaceholderValues
{
    QString serviceName; ///< `${service_name}`: the device's advertised name
    QString station; ///< `${station}`: the workstation's station id
    QString operatorName; ///< `${operator}`: the signed-in operator
    qint64 counter = 0; ///< `${counter}`: the line's running device counter
    QString batch; ///< `${batch}`: the production batch
    QHash<QString, QString> fields; ///< `${field:NAME}`: per-device fields (QR / manifest)
};

/// A product profile (issue 9, "Line mode"): what a production line provisions for one product,
/// read from a versioned JSON file (`schema` 1; examples in resources/profiles/). It holds no secret:
/// a `pop`, `password` or `passphrase` key anywhere in the file is refused, credentials come from the
/// QR sticker, the manifest or the operator (`security.credentials_from`).
///
/// Every field is validated on load; an error's detail names the field by its JSON path, e.g.
/// `"match.min_rssi_dbm" must be a number between -127 and 0`.
struct ProductProfile
{
    static constexpr int kSchemaVersion = 1; ///< the only `schema` this build reads

    /// Where the device credentials (PoP / SRP password, Wi-Fi passphrase) come from.
    enum class CredentialsSource { Qr, Manifest, Prompt };
    /// What counts as success after ApplyConfig (§9.1, §7.6).
    enum class AfterApply { WaitConnected, AcceptLinkClosed, AcceptLinkClosedConfirmed };
    /// How a custom step's answer is checked (`expect`).
    enum class ExpectKind { None, Exact, Prefix, Regex };
    /// What the duplicate guard (GuardedJobKind, duplicateguard.h) does when the line record already
    /// holds a Provisioned attempt of the device (`duplicates`).
    enum class DuplicatePolicy {
        Off, ///< `off`: no look-up
        Warn, ///< `warn`: provision it again, with a note (JobResult::duplicateNote)
        Refuse, ///< `refuse`: the job ends with AlreadyProvisioned, recorded as a failed attempt
    };

    /// Which devices the profile applies to.
    struct Match
    {
        QString serviceNamePrefix; ///< exactly one of prefix / regex is set
        QString serviceNameRegex; ///< must match the whole service name
        QList<TransportKind> transports; ///< non-empty, no duplicates
        QString bleServiceUuid; ///< optional; "{...}"-less lower-case UUID text
        int minRssiDbm = -65; ///< weaker devices (dBm) are ignored; -127..0
        bool operator==(const Match &) const = default;
    };
    struct Security
    {
        int minSecVer = 2; ///< lowest sec_ver accepted (0..2); lower is a SecurityDowngrade (§4)
        CredentialsSource credentialsFrom = CredentialsSource::Qr;
        bool operator==(const Security &) const = default;
    };
    struct Firmware
    {
        QString appVersionRegex; ///< optional; checked against proto-ver's application version (§5)
        bool operator==(const Firmware &) const = default;
    };
    struct Network
    {
        QString ssid; ///< 1..32 bytes as UTF-8
        int authMode = 0; ///< raw AuthMode (wifi.h), from a name authModeFromName() accepts
        bool operator==(const Network &) const = default;
    };
    /// One request to an application endpoint before ApplyConfig (§9.5).
    struct CustomStep
    {
        QString endpoint; ///< non-empty endpoint name, e.g. "custom-data"
        QString payload; ///< text with placeholders (when !payloadIsHex)
        QByteArray payloadBytes; ///< raw bytes from `payload_hex` (when payloadIsHex)
        bool payloadIsHex = false;
        ExpectKind expectKind = ExpectKind::None;
        QString expectValue; ///< the exact text, prefix or regex
        bool secretPayload = false; ///< never log or record the expanded payload
        bool operator==(const CustomStep &) const = default;
    };
    /// Retry policy for one failure class.
    struct RetryRule
    {
        int retries = 0; ///< 0..10
        bool resetFirst = false; ///< send a Wi-Fi reset (prov-ctrl, §9.4) before retrying
        bool operator==(const RetryRule &) const = default;
    };
    /// What the station prints after a success (docs/labels.md).
    struct Label
    {
        bool autoPrint = false; ///< `label.auto_print`: print the device's label after each success
        bool operator==(const Label &) const = default;
    };
    struct Lanes
    {
        int ble = 4; ///< parallel BLE jobs, 1..8
        int softap = 4; ///< parallel SoftAP jobs, 1..16
        bool operator==(const Lanes &) const = default;
    };

    QString name; ///< display name, non-empty
    QString id; ///< non-empty, [A-Za-z0-9_.-]
    QString version; ///< the profile's own version text, non-empty
    Match match;
    Security security;
    Firmware firmware;
    Network network;
    QList<CustomStep> customSteps;
    AfterApply afterApply = AfterApply::AcceptLinkClosedConfirmed;
    /// Retry rules per error code; never holds FirmwareMismatch, SecurityDowngrade,
    /// AuthenticationFailed or AlreadyProvisioned (the parser refuses them).
    QMap<ErrorCode, RetryRule> retry;
    Lanes lanes;
    /// `duplicates`: the duplicate guard's policy; optional, default `warn`.
    DuplicatePolicy duplicates = DuplicatePolicy::Warn;
    Label label; ///< optional section `"label": {"auto_print": true}`

    bool operator==(const ProductProfile &) const = default;

    /// Parses and validates a profile. Errors: MalformedMessage (not JSON), InvalidArgument (a field
    /// missing or out of range, a secret, an unknown key or placeholder; the detail names the field).
    static Result<ProductProfile> fromJson(const QByteArray &json);
    /// Reads and parses the file at `path`. Errors: InvalidArgument (missing or not a file),
    /// StorageFailed (cannot be read), and those of fromJson(); every detail starts with the path.
    static Result<ProductProfile> load(const QString &path);
    /// Canonical JSON (every field written, defaults included); fromJson(toJson()) gives *this back.
    QByteArray toJson() const;

    /// True when a device advertising `serviceName` over `transport` at `rssiDbm` (dBm) belongs to this
    /// profile: the name matches, the transport is listed and rssiDbm >= match.minRssiDbm.
    bool matches(const QString &serviceName, TransportKind transport, int rssiDbm) const;
    /// True when `appVersion` (proto-ver's application version, §5) is accepted by
    /// firmware.appVersionRegex (always true without one).
    bool firmwareMatches(const QString &appVersion) const;
    /// Parallel jobs the profile allows over `transport`: lanes.ble for BLE, lanes.softap otherwise.
    int lanesFor(TransportKind transport) const;
    /// A batch's lane count when none is given: the largest lanesFor() of match.transports, at least 1.
    int defaultLanes() const;
    /// The AfterApplyLinkClosed behaviour for afterApply: WaitConnected -> Fail, AcceptLinkClosed ->
    /// Report, AcceptLinkClosedConfirmed -> Confirm.
    AfterApplyLinkClosed afterApplyLinkClosed() const;

    /// The payload of customSteps[stepIndex] with its placeholders replaced (UTF-8), or the raw bytes of
    /// a `payload_hex` step. Errors: InvalidArgument (index out of range, a `${field:NAME}` absent
    /// from values.fields; the detail names the step and the field, never the payload).
    Result<QByteArray> expandPayload(int stepIndex, const PlaceholderValues &values) const;
};

} // namespace prov
