// SPDX-License-Identifier: Apache-2.0
// provctl batch --resume: continue a batch the record says was running (docs/provctl.md "batch").
#include "batch.h"

#include "prov/laneengine.h"
#include "prov/record.h"

using namespace prov;

namespace provctl {

Status resumeBatchFromRecord(LaneEngine &engine, const BatchSettings &settings, const RecordStore &store,
    const QString &batchId, QSet<QString> &succeeded)
{
    const Result<BatchResume> resume = readBatchResume(store, batchId);
    if (!resume)
        return resume.error();
    BatchSettings resumed = settings;
    resumed.batchId = batchId;
    succeeded = resume->succeeded;
    return engine.resumeBatch(resumed, *resume);
}

} // namespace provctl
