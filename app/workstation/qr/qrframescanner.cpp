// SPDX-License-Identifier: Apache-2.0
#include "qrframescanner.h"

#include "qrdecoder.h"
#include "qrlogging.h"

#include <QVideoSink>

#include <algorithm>
#include <utility>

QrFrameScanner::QrFrameScanner(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("QrFrameScanner"));
    m_intervalTimer.setSingleShot(true);
    connect(&m_intervalTimer, &QTimer::timeout, this, &QrFrameScanner::startPendingWhenDue);
}

QrFrameScanner::~QrFrameScanner()
{
    // The worker posts its result to this object; ~QObject discards events still queued.
    m_pool.waitForDone();
}

void QrFrameScanner::setVideoSink(QVideoSink *sink)
{
    if (m_sink == sink)
        return;
    disconnect(m_sinkConnection);
    m_pending = QVideoFrame();
    m_sink = sink;
    if (sink)
        m_sinkConnection = connect(sink, &QVideoSink::videoFrameChanged, this, &QrFrameScanner::scanFrame);
}

QVideoSink *QrFrameScanner::videoSink() const
{
    return m_sink;
}

int QrFrameScanner::decodeIntervalMs() const
{
    return m_decodeIntervalMs;
}

void QrFrameScanner::setDecodeIntervalMs(int ms)
{
    ms = std::max(ms, 0);
    if (m_decodeIntervalMs == ms)
        return;
    m_decodeIntervalMs = ms;
    Q_EMIT decodeIntervalMsChanged();
}

int QrFrameScanner::repeatSuppressionMs() const
{
    return m_repeatSuppressionMs;
}

void QrFrameScanner::setRepeatSuppressionMs(int ms)
{
    ms = std::max(ms, 0);
    if (m_repeatSuppressionMs == ms)
        return;
    m_repeatSuppressionMs = ms;
    Q_EMIT repeatSuppressionMsChanged();
}

bool QrFrameScanner::isBusy() const
{
    return m_busy;
}

int QrFrameScanner::framesReceived() const
{
    return m_framesReceived;
}

int QrFrameScanner::decodesStarted() const
{
    return m_decodesStarted;
}

int QrFrameScanner::framesReplaced() const
{
    return m_framesReplaced;
}

void QrFrameScanner::resetRepeatSuppression()
{
    m_lastPayload.clear();
    m_sinceLastSeen.invalidate();
}

void QrFrameScanner::scanFrame(const QVideoFrame &frame)
{
    if (!frame.isValid())
        return;
    ++m_framesReceived;
    if (m_pending.isValid())
        ++m_framesReplaced;
    m_pending = frame; // a reference, not a copy of the pixels
    startPendingWhenDue();
}

void QrFrameScanner::startPendingWhenDue()
{
    if (m_busy || !m_pending.isValid())
        return;
    if (m_decodeIntervalMs > 0 && m_sinceDecodeStart.isValid()) {
        const qint64 wait = m_decodeIntervalMs - m_sinceDecodeStart.elapsed();
        if (wait > 0) {
            if (!m_intervalTimer.isActive())
                m_intervalTimer.start(int(wait));
            return;
        }
    }
    QVideoFrame frame = std::exchange(m_pending, QVideoFrame());
    startDecode(frame);
}

void QrFrameScanner::startDecode(const QVideoFrame &frame)
{
    m_busy = true;
    ++m_decodesStarted;
    m_sinceDecodeStart.start();
    Q_EMIT busyChanged();
    m_pool.start([this, frame] {
        const QString text = QrDecoder::decodeFrame(frame);
        QMetaObject::invokeMethod(
            this, [this, text] { handleDecodeFinished(text); }, Qt::QueuedConnection);
    });
}

void QrFrameScanner::handleDecodeFinished(const QString &text)
{
    m_busy = false;
    Q_EMIT busyChanged();
    const bool found = !text.isEmpty();
    if (found) {
        const bool repeat = m_repeatSuppressionMs > 0 && text == m_lastPayload && m_sinceLastSeen.isValid()
            && m_sinceLastSeen.elapsed() < m_repeatSuppressionMs;
        m_lastPayload = text;
        m_sinceLastSeen.start();
        if (!repeat) {
            qCDebug(lcWsQr) << "QR code read from the camera," << text.size() << "characters";
            Q_EMIT payloadDecoded(text);
        }
    }
    Q_EMIT frameScanned(found);
    startPendingWhenDue();
}
