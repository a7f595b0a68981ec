// SPDX-License-Identifier: Apache-2.0
// prov::sendZpl() and prov::writeZplFile(): a loopback "printer" (QTcpServer on 127.0.0.1, ephemeral
// port) receives the label and it is checked field by field; the file output; a printer that refuses
// and one that never answers end with a typed error within the timeout.
#include "prov/label.h"
#include "prov/qrpayload.h"

#include "labeltestsupport.h"
#include "zplfields.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace prov;

namespace {

LabelData demoData()
{
    return labelTestData(
        QStringLiteral("PROV_LOOP01"), QStringLiteral("softap"), QStringLiteral("loop^pop~1"));
}

/// A TCP server whose accept queue is full: the kernel drops further SYNs (Linux,
/// tcp_abort_on_overflow = 0), so a connect to it neither succeeds nor fails: a printer that never
/// answers, on 127.0.0.1.
class SilentPrinter
{
public:
    SilentPrinter()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(m_listener, reinterpret_cast<sockaddr *>(&addr), len) != 0 || ::listen(m_listener, 0) != 0
            || ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
            return;
        port = ntohs(addr.sin_port);
        // Fill the queue (backlog 0 holds one connection; a few more for kernels that round up).
        for (int i = 0; i < 4; ++i) {
            auto *s = new QTcpSocket;
            s->connectToHost(QHostAddress::LocalHost, port);
            m_fillers.append(s);
        }
        QTest::qWait(200);
    }
    ~SilentPrinter()
    {
        qDeleteAll(m_fillers);
        ::close(m_listener);
    }
    quint16 port = 0;

private:
    int m_listener = -1;
    QList<QTcpSocket *> m_fillers;
};

} // namespace

class TestZplPrinter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loopbackPrinterReceivesLabel()
    {
        LoopbackPrinter printer;
        QVERIFY(printer.isListening());

        LabelTemplate t;
        t.dpi = 300;
        const LabelData d = demoData();
        const Result<QByteArray> zpl = toZpl(t, d);
        QVERIFY(zpl.has_value());
        Pending<void> *op = sendZpl({ QStringLiteral("127.0.0.1"), printer.port() }, *zpl, 5000, this);
        const Result<void> r = op->waitForResult(5000);
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        QTRY_VERIFY(printer.closed);
        QCOMPARE(printer.received, *zpl);

        const QList<ZplCommand> c = zplCommands(printer.received);
        QCOMPARE(c.first().name, QByteArray("XA"));
        QCOMPARE(c.last().name, QByteArray("XZ"));
        QCOMPARE(zplFind(c, "PW").args.toInt(), LabelTemplate::dotsFromMm(t.widthMm, 300));
        QCOMPARE(zplFind(c, "LL").args.toInt(), LabelTemplate::dotsFromMm(t.heightMm, 300));
        QVERIFY(zplFind(c, "BQ").args.startsWith("N,2,"));
        const QByteArray qrData = zplFind(c, "FD").args;
        QVERIFY(qrData.startsWith("QA,"));
        QCOMPARE(zplUnescape(qrData.mid(3)), d.qrPayload);
        const QList<QByteArray> texts = zplFieldValues(c);
        QVERIFY(texts.contains(d.serviceName.toUtf8()));
        QVERIFY(texts.contains(d.address.toUtf8()));
        QVERIFY(texts.contains(d.station.toUtf8()));
    }

    void writesFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray zpl = *toZpl(LabelTemplate(), demoData());
        const QString path = dir.filePath(QStringLiteral("label.zpl"));
        QVERIFY(writeZplFile(path, "old contents, longer than nothing").has_value());
        QVERIFY(writeZplFile(path, zpl).has_value());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), zpl);

        const Status bad = writeZplFile(dir.filePath(QStringLiteral("no/such/dir/label.zpl")), zpl);
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().code, ErrorCode::StorageFailed);
        QCOMPARE(writeZplFile(QString(), zpl).error().code, ErrorCode::InvalidArgument);
    }

    void refusedIsConnectFailed()
    {
        LoopbackPrinter gone;
        const quint16 port = gone.port();
        gone.close();
        QElapsedTimer clock;
        clock.start();
        Pending<void> *op = sendZpl({ QStringLiteral("127.0.0.1"), port }, "^XA^XZ", 3000, this);
        const Result<void> r = op->waitForResult(5000);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::ConnectFailed);
        QVERIFY(r.error().detail.contains(QString::number(port)));
        QVERIFY(clock.elapsed() < 3000);
    }

    void silentPrinterTimesOut()
    {
        SilentPrinter printer;
        QVERIFY(printer.port != 0);
        constexpr int kTimeoutMs = 700;
        QElapsedTimer clock;
        clock.start();
        Pending<void> *op = sendZpl({ QStringLiteral("127.0.0.1"), printer.port },
            *toZpl(LabelTemplate(), demoData()), kTimeoutMs, this);
        QSignalSpy ended(op, &PendingOperation::finished);
        QVERIFY(op->waitForFinished(kTimeoutMs + 2000));
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(ended.size(), 1);
        QVERIFY(op->error().has_value());
        QCOMPARE(op->error()->code, ErrorCode::Timeout);
        QVERIFY2(
            elapsed >= kTimeoutMs - 50 && elapsed < kTimeoutMs + 1000, qPrintable(QString::number(elapsed)));
        QVERIFY(!op->error()->detail.contains(QLatin1String("pop")));
    }

    void refusesBadArguments()
    {
        Pending<void> *noHost = sendZpl({ QString(), 9100 }, "^XA^XZ", 1000, this);
        QCOMPARE(noHost->waitForResult(1000).error().code, ErrorCode::InvalidArgument);
        Pending<void> *empty = sendZpl({ QStringLiteral("127.0.0.1"), 9100 }, QByteArray(), 1000, this);
        QCOMPARE(empty->waitForResult(1000).error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestZplPrinter)
#include "tst_zplprinter.moc"
