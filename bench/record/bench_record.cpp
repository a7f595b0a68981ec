// SPDX-License-Identifier: Apache-2.0
// Factory record store benchmarks (bench/record/RESULTS.md).
//
// A store of 100,000 attempts (each with 3 phases) is built once in a temporary directory with
// insertRecords(); the filter benchmarks then run the queries the Records page runs: one page of
// 500 rows and the count, with a service-name substring, an outcome and a time range. Insert
// throughput is measured separately on a fresh store, one attempt = begin + facts + 3 phases +
// finish, each its own fsynced transaction (synchronous=FULL), as the workstation writes them.

#include "prov/record.h"

#include "benchrecords.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QTemporaryDir>

#include <memory>

namespace {

constexpr int kRows = 100'000;
constexpr qint64 kBase = 1'700'000'000'000;
constexpr qint64 kStepMs = 30'000; // one attempt every 30 s: 100,000 rows span ~35 days

prov::ProvisioningRecord makeRecord(int i)
{
    return benchrecords::makeRecord(i, kBase + qint64(i) * kStepMs);
}

struct BigStore
{
    QTemporaryDir dir;
    std::unique_ptr<prov::RecordStore> store;
};

BigStore &bigStore()
{
    static BigStore *s = [] {
        auto *b = new BigStore;
        auto opened = prov::RecordStore::openSqlite(b->dir.filePath(QStringLiteral("big.sqlite")));
        if (!opened)
            qFatal("open: %s", qPrintable(opened.error().toString()));
        b->store = std::move(opened.value());
        for (int start = 0; start < kRows; start += 10'000) {
            QList<prov::ProvisioningRecord> batch;
            for (int i = start; i < start + 10'000; ++i)
                batch.append(makeRecord(i));
            if (const prov::Status st = b->store->insertRecords(batch); !st)
                qFatal("seed: %s", qPrintable(st.error().toString()));
        }
        return b;
    }();
    return *s;
}

// The Records page's query: name substring + outcome + time range (last 7 days of the data).
prov::RecordFilter pageFilter()
{
    prov::RecordFilter f;
    f.nameContains = QStringLiteral("lamp");
    f.outcomes = { prov::RecordOutcome::Provisioned };
    f.fromMs = kBase + qint64(kRows) * kStepMs - 7LL * 24 * 3600 * 1000;
    f.toMs = kBase + qint64(kRows) * kStepMs;
    f.limit = 500;
    f.withDetails = false;
    return f;
}

// Runs the page query (limit 500, no details) and/or the count of `filter` per iteration.
void measureQuery(benchmark::State &state, const prov::RecordFilter &filter, bool page, bool count)
{
    prov::RecordStore &store = *bigStore().store;
    qint64 rows = 0;
    qint64 matches = 0;
    for (auto _ : state) {
        if (page) {
            auto r = store.query(filter);
            if (!r) {
                state.SkipWithError("query failed");
                break;
            }
            rows = r->size();
        }
        if (count) {
            auto c = store.count(filter);
            if (!c) {
                state.SkipWithError("count failed");
                break;
            }
            matches = *c;
        }
        benchmark::DoNotOptimize(rows);
        benchmark::DoNotOptimize(matches);
    }
    if (page)
        state.counters["rows"] = double(rows);
    if (count)
        state.counters["matches"] = double(matches);
}

void BM_FilterPage100k(benchmark::State &state)
{
    measureQuery(state, pageFilter(), true, false);
}
BENCHMARK(BM_FilterPage100k)->Unit(benchmark::kMillisecond);

void BM_FilterCount100k(benchmark::State &state)
{
    measureQuery(state, pageFilter(), false, true);
}
BENCHMARK(BM_FilterCount100k)->Unit(benchmark::kMillisecond);

// What the Records page asks for a new filter: the first page and the count.
void BM_FilterPageAndCount100k(benchmark::State &state)
{
    measureQuery(state, pageFilter(), true, true);
}
BENCHMARK(BM_FilterPageAndCount100k)->Unit(benchmark::kMillisecond);

// The worst case: a name filter over all time and all outcomes, which no index narrows.
void BM_NameOnlyPageAndCount100k(benchmark::State &state)
{
    prov::RecordFilter f;
    f.nameContains = QStringLiteral("lamp");
    f.limit = 500;
    f.withDetails = false;
    measureQuery(state, f, true, true);
}
BENCHMARK(BM_NameOnlyPageAndCount100k)->Unit(benchmark::kMillisecond);

// The list without a filter: the newest 500 of 100,000 and the count.
void BM_UnfilteredPageAndCount100k(benchmark::State &state)
{
    prov::RecordFilter f;
    f.limit = 500;
    f.withDetails = false;
    measureQuery(state, f, true, true);
}
BENCHMARK(BM_UnfilteredPageAndCount100k)->Unit(benchmark::kMillisecond);

// Export-sized read: every record of the page filter with phases and custom calls.
void BM_FilterAllWithDetails100k(benchmark::State &state)
{
    prov::RecordFilter f = pageFilter();
    f.limit = -1;
    f.withDetails = true;
    measureQuery(state, f, true, false);
}
BENCHMARK(BM_FilterAllWithDetails100k)->Unit(benchmark::kMillisecond);

// One attempt as the workstation writes it: 6 transactions, each fsynced.
void BM_InsertAttempt(benchmark::State &state)
{
    QTemporaryDir dir;
    auto opened = prov::RecordStore::openSqlite(dir.filePath(QStringLiteral("insert.sqlite")));
    if (!opened) {
        state.SkipWithError("open failed");
        return;
    }
    prov::RecordStore &store = **opened;
    int i = 0;
    for (auto _ : state) {
        const prov::ProvisioningRecord r = makeRecord(i++);
        bool ok = bool(store.begin(r.start)) && bool(store.setDeviceFacts(r.start.attemptId, r.device));
        for (const char *phase : { "connect", "handshake", "apply" })
            ok = ok && bool(store.addPhase(r.start.attemptId, { QString::fromLatin1(phase), 10 }));
        ok = ok && bool(store.finish(r.start.attemptId, r.end));
        if (!ok) {
            state.SkipWithError("write failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InsertAttempt)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

// Bulk import (insertRecords): one transaction for 1,000 complete records.
void BM_InsertRecordsBatch1000(benchmark::State &state)
{
    QTemporaryDir dir;
    auto opened = prov::RecordStore::openSqlite(dir.filePath(QStringLiteral("batch.sqlite")));
    if (!opened) {
        state.SkipWithError("open failed");
        return;
    }
    int next = 0;
    for (auto _ : state) {
        state.PauseTiming();
        QList<prov::ProvisioningRecord> batch;
        for (int k = 0; k < 1000; ++k)
            batch.append(makeRecord(next++));
        state.ResumeTiming();
        if (!(*opened)->insertRecords(batch)) {
            state.SkipWithError("insert failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_InsertRecordsBatch1000)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // Qt Sql wants an application object for its driver plugins
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
