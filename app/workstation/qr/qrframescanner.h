// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <QVideoFrame>

class QVideoSink;

/// Decodes QR codes from the frames a QVideoSink shows (camera preview), off the GUI thread.
///
/// Lives in the GUI thread. Each frame from QVideoSink::videoFrameChanged (or scanFrame()) is kept
/// by reference (QVideoFrame is implicitly shared) and decoded with QrDecoder::decodeFrame() on a
/// private one-thread pool. One decode runs at a time; frames that arrive meanwhile replace the
/// single pending frame (latest wins), so a slow decoder drops frames instead of queueing them.
/// Decodes start at most every decodeIntervalMs.
///
/// A payload is reported once with payloadDecoded(); the same payload is reported again only after
/// it has not been seen for repeatSuppressionMs (each sighting restarts that window), so a code
/// held in front of the camera gives one signal. The text holds secrets (§11): never log it.
///
/// The destructor waits for a running decode (at most one frame's decode, typically < 20 ms).
class QrFrameScanner : public QObject
{
    Q_OBJECT
    Q_PROPERTY(
        int decodeIntervalMs READ decodeIntervalMs WRITE setDecodeIntervalMs NOTIFY decodeIntervalMsChanged)
    Q_PROPERTY(int repeatSuppressionMs READ repeatSuppressionMs WRITE setRepeatSuppressionMs NOTIFY
            repeatSuppressionMsChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)

public:
    explicit QrFrameScanner(QObject *parent = nullptr);
    ~QrFrameScanner() override;

    /// Decodes the frames `sink` shows from now on (nullptr: none). Not owned; when the sink is
    /// destroyed the scanner simply stops receiving frames. A pending frame of the previous sink
    /// is dropped.
    void setVideoSink(QVideoSink *sink);
    QVideoSink *videoSink() const;

    /// Minimum time between the starts of two decodes, in ms (default 100, i.e. at most 10
    /// decodes per second; 0 = decode as fast as frames and the decoder allow). Negative values
    /// count as 0.
    int decodeIntervalMs() const;
    void setDecodeIntervalMs(int ms);

    /// Window in ms within which a payload equal to the last one is not reported again
    /// (default 3000; 0 = report every decode).
    int repeatSuppressionMs() const;
    void setRepeatSuppressionMs(int ms);

    /// True while a decode runs on the worker.
    bool isBusy() const;

    /// Counters since construction, for diagnostics and tests: frames handed in, decodes started,
    /// and frames dropped because a newer frame replaced them before they could be decoded.
    int framesReceived() const;
    int decodesStarted() const;
    int framesReplaced() const;

    /// Forgets the last reported payload, so the next sighting is reported even within the window.
    void resetRepeatSuppression();

public Q_SLOTS:
    /// Hands in one frame (what the sink connection calls). Invalid frames are ignored.
    void scanFrame(const QVideoFrame &frame);

Q_SIGNALS:
    /// A QR code was found in a frame (raw text, usually docs/protocol.md §11 JSON; holds secrets).
    void payloadDecoded(const QString &text);
    /// One decode finished; `found` is whether it found a QR code (reported or suppressed).
    void frameScanned(bool found);
    void decodeIntervalMsChanged();
    void repeatSuppressionMsChanged();
    void busyChanged();

private:
    void startDecode(const QVideoFrame &frame);
    void startPendingWhenDue();
    void handleDecodeFinished(const QString &text);

    QPointer<QVideoSink> m_sink;
    QMetaObject::Connection m_sinkConnection;
    QVideoFrame m_pending; // invalid when nothing is pending
    QTimer m_intervalTimer;
    QElapsedTimer m_sinceDecodeStart;
    QElapsedTimer m_sinceLastSeen;
    QString m_lastPayload;
    int m_decodeIntervalMs = 100;
    int m_repeatSuppressionMs = 3000;
    int m_framesReceived = 0;
    int m_decodesStarted = 0;
    int m_framesReplaced = 0;
    bool m_busy = false;
    QThreadPool m_pool; // last member: destroyed (and waited for) first
};
