// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal: prov-config / prov-scan / prov-ctrl payloads <-> plain structs (§3.3, §9, §10).
// Client role encodes requests and decodes responses; the device role does the reverse.
// Encoding is byte-exact with esp_prov (shared/vectors): the sub-message is always included
// except for ApplyWifiConfig and ScanWifiStatus, which esp_prov sends as a bare `msg` (`0804`,
// `0802`) and which every firmware handles by `msg` alone (§3.3 "Device-side validation").

#include "prov/error.h"
#include "prov/wifi.h"

#include <QByteArray>
#include <QList>

#include <variant>

namespace prov::codec {

// ---- prov-config requests
struct GetWifiStatus
{
};
struct SetWifiConfig
{
    WifiCredentials credentials;
};
struct ApplyWifiConfig
{
};
struct GetThreadStatus
{
};
struct SetThreadConfig
{
    QByteArray dataset;
};
struct ApplyThreadConfig
{
};
using ConfigRequest = std::variant<GetWifiStatus, SetWifiConfig, ApplyWifiConfig, GetThreadStatus,
    SetThreadConfig, ApplyThreadConfig>;

// ---- prov-config responses (status inside the sub-message)
struct WifiStatusResponse
{
    int status = 0;
    WifiStatus wifi;
};
struct SetWifiConfigResponse
{
    int status = 0;
};
struct ApplyWifiConfigResponse
{
    int status = 0;
};
struct ThreadStatusResponse
{
    int status = 0;
    ThreadStatus thread;
};
struct SetThreadConfigResponse
{
    int status = 0;
};
struct ApplyThreadConfigResponse
{
    int status = 0;
};
using ConfigResponse = std::variant<WifiStatusResponse, SetWifiConfigResponse, ApplyWifiConfigResponse,
    ThreadStatusResponse, SetThreadConfigResponse, ApplyThreadConfigResponse>;

QByteArray encodeConfigRequest(const ConfigRequest &request);
/// Errors: MalformedMessage (not protobuf, unknown msg, missing required sub-message for
/// SetWifiConfig/SetThreadConfig, msg not a request).
Result<ConfigRequest> decodeConfigRequest(const QByteArray &bytes);
QByteArray encodeConfigResponse(const ConfigResponse &response);
/// Errors: MalformedMessage (not protobuf, msg not a response, a response without its sub-message).
Result<ConfigResponse> decodeConfigResponse(const QByteArray &bytes);

// ---- prov-scan requests
struct ScanWifiStart
{
    bool blocking = true;
    bool passive = false;
    quint32 groupChannels = 0;
    quint32 periodMs = 0;
};
struct ScanWifiStatus
{
};
struct ScanWifiResult
{
    quint32 startIndex = 0;
    quint32 count = 0;
};
struct ScanThreadStart
{
    bool blocking = true;
    quint32 channelMask = 0;
};
struct ScanThreadStatus
{
};
struct ScanThreadResult
{
    quint32 startIndex = 0;
    quint32 count = 0;
};
using ScanRequest = std::variant<ScanWifiStart, ScanWifiStatus, ScanWifiResult, ScanThreadStart,
    ScanThreadStatus, ScanThreadResult>;

// ---- prov-scan responses (status at the top level)
struct ScanWifiStartResponse
{
    int status = 0;
};
struct ScanWifiStatusResponse
{
    int status = 0;
    bool finished = false;
    quint32 resultCount = 0;
};
struct ScanWifiResultResponse
{
    int status = 0;
    QList<ScanEntry> entries;
};
struct ScanThreadStartResponse
{
    int status = 0;
};
struct ScanThreadStatusResponse
{
    int status = 0;
    bool finished = false;
    quint32 resultCount = 0;
};
struct ScanThreadResultResponse
{
    int status = 0;
    QList<ThreadScanEntry> entries;
};
using ScanResponse = std::variant<ScanWifiStartResponse, ScanWifiStatusResponse, ScanWifiResultResponse,
    ScanThreadStartResponse, ScanThreadStatusResponse, ScanThreadResultResponse>;

QByteArray encodeScanRequest(const ScanRequest &request);
/// Errors: MalformedMessage (unknown msg; ScanWifiStart/ScanWifiResult/thread equivalents
/// without their sub-message, as network_provisioning 1.2.x rejects them).
Result<ScanRequest> decodeScanRequest(const QByteArray &bytes);
QByteArray encodeScanResponse(const ScanResponse &response);
Result<ScanResponse> decodeScanResponse(const QByteArray &bytes);

// ---- prov-ctrl (status at the top level)
enum class CtrlCommand : int { WifiReset = 1, WifiReprov = 3, ThreadReset = 5, ThreadReprov = 7 };
struct CtrlRequest
{
    CtrlCommand command = CtrlCommand::WifiReset;
};
struct CtrlResponse
{
    CtrlCommand command = CtrlCommand::WifiReset;
    int status = 0;
};

QByteArray encodeCtrlRequest(const CtrlRequest &request);
Result<CtrlRequest> decodeCtrlRequest(const QByteArray &bytes);
QByteArray encodeCtrlResponse(const CtrlResponse &response);
Result<CtrlResponse> decodeCtrlResponse(const QByteArray &bytes);

} // namespace prov::codec
