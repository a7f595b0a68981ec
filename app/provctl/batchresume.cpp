// SPDX-License-Identifier: Apache-2.0
// provctl batch --resume: continue a batch the record says was running (docs/provctl.md "batch").
// Not linked into provctl yet: prov::readBatchResume() needs RecordStore::batch(), which comes with
// the record branch's batch API. Until then CMake compiles this file on its own (provctl_resume) so
// it keeps matching the declared API; batch.cpp refuses --resume at the marked place.
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
