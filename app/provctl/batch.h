// SPDX-License-Identifier: Apache-2.0
#pragma once

// provctl batch's pieces that stand apart from the run itself (batch.cpp).

#include "prov/error.h"

#include <QSet>
#include <QString>

namespace prov {
class LaneEngine;
class RecordStore;
struct BatchSettings;
} // namespace prov

namespace provctl {

/// batchresume.cpp, `--resume BATCH_ID`: reads the batch from `store` (prov::readBatchResume()) and
/// continues it on `engine` with `settings` (the batch's id, its pending devices queued again). Fills
/// `succeeded` with the keys of the devices already provisioned in the batch (a manifest offered again
/// skips them). Errors: those of readBatchResume() (InvalidArgument: unknown batch or not Running;
/// StorageFailed) and LaneEngine::resumeBatch() (InvalidArgument: another profile id or version).
prov::Status resumeBatchFromRecord(prov::LaneEngine &engine, const prov::BatchSettings &settings,
    const prov::RecordStore &store, const QString &batchId, QSet<QString> &succeeded);

} // namespace provctl
