// SPDX-License-Identifier: Apache-2.0
#pragma once

// PDF labels back to pixels for the label tests, with poppler-utils (scripts/deps.sh): pdftoppm
// renders the page, pdfinfo reads its size.

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSizeF>
#include <QString>

/// Runs `program` with `arguments`; its stdout, or a null QByteArray with `*error` set.
inline QByteArray runPoppler(const QString &program, const QStringList &arguments, QString *error)
{
    QProcess p;
    p.start(program, arguments);
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("%1 failed (poppler-utils, scripts/deps.sh): %2 %3")
                     .arg(program, p.errorString(), QString::fromLocal8Bit(p.readAllStandardError()));
        return {};
    }
    const QByteArray out = p.readAllStandardOutput();
    return out.isNull() ? QByteArray("") : out;
}

/// The first page of `pdfPath` as a PNG rendered by `pdftoppm -r <dpi> -png`, loaded; null with
/// `*error` set when pdftoppm fails.
inline QImage rasterizePdf(const QString &pdfPath, int dpi, QString *error)
{
    const QString prefix = pdfPath + QStringLiteral("-page");
    if (runPoppler(QStringLiteral("pdftoppm"),
            { QStringLiteral("-r"), QString::number(dpi), QStringLiteral("-png"),
                QStringLiteral("-singlefile"), pdfPath, prefix },
            error)
            .isNull())
        return {};
    QImage image(prefix + QStringLiteral(".png"));
    if (image.isNull())
        *error = QStringLiteral("pdftoppm wrote no image for %1").arg(pdfPath);
    return image;
}

/// The page size of `pdfPath` in mm from pdfinfo ("Page size: 141.73 x 85.04 pts"); empty with
/// `*error` set when pdfinfo fails.
inline QSizeF pdfPageSizeMm(const QString &pdfPath, QString *error)
{
    const QByteArray info = runPoppler(QStringLiteral("pdfinfo"), { pdfPath }, error);
    static const QRegularExpression re(QStringLiteral("Page size:\\s+([0-9.]+) x ([0-9.]+) pts"));
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(info));
    if (!m.hasMatch()) {
        if (error->isEmpty())
            *error = QStringLiteral("pdfinfo printed no page size for %1").arg(pdfPath);
        return {};
    }
    return { m.captured(1).toDouble() * 25.4 / 72.0, m.captured(2).toDouble() * 25.4 / 72.0 };
}
