// SPDX-License-Identifier: Apache-2.0
// Child process of tst_recordcrash: writes attempts into a record store as fast as it can and
// reports every committed step on stdout ("B <id>", "D <id>", "P <id> <n>", "C <id>",
// "F <id>"), until the test kills it with SIGKILL. Every field is derived from the attempt id, so
// the test can tell a complete row from a half-written one.
#include "prov/record.h"

#include "crashchildfields.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: record-crash-child DB RUN\n");
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    const int run = QByteArray(argv[2]).toInt();
    auto opened = prov::RecordStore::openSqlite(path);
    if (!opened) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    prov::RecordStore &store = **opened;
    std::printf("O %d\n", store.interruptedOnOpen());
    std::fflush(stdout);

    auto report = [](const char *what, const QString &id, int n = -1) {
        if (n >= 0)
            std::printf("%s %s %d\n", what, qPrintable(id), n);
        else
            std::printf("%s %s\n", what, qPrintable(id));
        std::fflush(stdout);
    };
    auto check = [](const prov::Status &s) {
        if (!s) {
            std::fprintf(stderr, "write failed: %s\n", qPrintable(s.error().toString()));
            std::exit(1);
        }
    };

    for (int seq = 0; seq < 100000; ++seq) {
        const QString id = crashchild::attemptId(run, seq);
        check(store.begin(crashchild::start(id)));
        report("B", id);
        check(store.setDeviceFacts(id, crashchild::facts(id)));
        report("D", id);
        for (int n = 0; n < crashchild::kPhases; ++n) {
            check(store.addPhase(id, crashchild::phase(n)));
            report("P", id, n + 1);
        }
        check(store.addCustomCall(id, crashchild::call(id)));
        report("C", id);
        check(store.finish(id, crashchild::end(id)));
        report("F", id);
    }
    return 0;
}
