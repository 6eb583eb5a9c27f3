// CompareView: the comparison as shown, written as SVG or PNG (titles, legend, both sides).
#include "CompareView.h"
#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"

#include <QBuffer>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <QRegularExpression>
#include <QSaveFile>

#include <cmath>

namespace netfold {

namespace {

struct Side {
    GraphScene* scene;
    QString title;
};

constexpr int kTitleHeight = 26;
constexpr int kLegendHeight = 24;
constexpr int kGap = 16;

QString num(qreal v) { return QString::number(std::round(v * 100) / 100, 'g', 10); }

} // namespace

bool CompareView::exportTo(const QString& path, ExportSides which, QString* error)
{
    QVector<Side> sides;
    if (which != ExportSides::After && m_leftGraph)
        sides.push_back({m_left->graphScene(), leftTitle()});
    if (which != ExportSides::Before && m_rightGraph)
        sides.push_back({m_right->graphScene(), rightTitle()});
    if (sides.isEmpty()) {
        if (error)
            *error = tr("Nothing to export: that side shows no graph.");
        return false;
    }
    const GraphStyle& style = GraphStyle::standard();
    QVector<LegendEntry> legend = legendEntries();
    if (m_showMoves)
        legend.push_back(movedEntry());
    const int header = kLegendHeight + kTitleHeight;

    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        // Each side's own SVG, nested at its place under its title.
        QStringList inner;
        qreal x = 0, width = 0, height = 0;
        QString body;
        for (const Side& side : sides) {
            QBuffer buffer;
            buffer.open(QIODevice::WriteOnly);
            QString sideError;
            if (!side.scene->writeSvg(&buffer, &sideError)) {
                if (error)
                    *error = sideError;
                return false;
            }
            QString svg = QString::fromUtf8(buffer.data());
            svg.remove(QRegularExpression(QStringLiteral("^<\\?xml[^>]*\\?>")));
            const auto w = QRegularExpression(QStringLiteral("<svg[^>]* width=\"([0-9.]+)\"")).match(svg);
            const auto h = QRegularExpression(QStringLiteral("<svg[^>]* height=\"([0-9.]+)\"")).match(svg);
            const qreal sw = w.hasMatch() ? w.captured(1).toDouble() : 0;
            const qreal sh = h.hasMatch() ? h.captured(1).toDouble() : 0;
            svg.replace(svg.indexOf(QLatin1String("<svg")), 4,
                        QStringLiteral("<svg x=\"%1\" y=\"%2\"").arg(num(x)).arg(header));
            body += QStringLiteral("<rect class=\"title\" x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"#eef1f5\"/>"
                                   "<text class=\"title\" x=\"%5\" y=\"%6\" font-weight=\"bold\" font-size=\"13\">%7</text>")
                        .arg(num(x))
                        .arg(kLegendHeight)
                        .arg(num(sw))
                        .arg(kTitleHeight)
                        .arg(num(x + 6))
                        .arg(kLegendHeight + 18)
                        .arg(side.title.toHtmlEscaped());
            body += svg;
            x += sw + kGap;
            width = x - kGap;
            height = std::max(height, sw > 0 ? sh : 0.0);
        }
        QString legendSvg = QStringLiteral("<g class=\"legend\">");
        qreal lx = 6;
        const QFontMetrics fm(font());
        for (const LegendEntry& e : legend) {
            legendSvg += QStringLiteral("<rect x=\"%1\" y=\"5\" width=\"14\" height=\"14\" rx=\"3\" fill=\"%2\" stroke=\"#666\"/>"
                                        "<text x=\"%3\" y=\"17\" font-size=\"12\">%4</text>")
                             .arg(num(lx), style.stateColor(e.state).name(), num(lx + 18), e.name.toHtmlEscaped());
            lx += 18 + fm.horizontalAdvance(e.name) + 16;
        }
        legendSvg += QStringLiteral("</g>");
        width = std::max(width, lx);
        const QString doc = QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" "
                                           "viewBox=\"0 0 %1 %2\" font-family=\"sans-serif\">"
                                           "<rect width=\"%1\" height=\"%2\" fill=\"#ffffff\"/>")
                                .arg(num(width))
                                .arg(num(height + header))
                            + legendSvg + body + QStringLiteral("</svg>\n");
        QSaveFile f(path);
        if (f.open(QIODevice::WriteOnly) && f.write(doc.toUtf8()) >= 0 && f.commit())
            return true;
        if (error)
            *error = tr("Cannot write '%1': %2.").arg(path, f.errorString());
        return false;
    }

    // PNG: each side rendered at 2x, titles and legend drawn above.
    constexpr qreal scale = 2.0;
    QVector<QImage> images;
    int width = 0, height = 0;
    for (const Side& side : sides) {
        images.push_back(side.scene->renderImage(scale, 8000));
        width += images.back().width() + int(kGap * scale);
        height = std::max(height, images.back().height());
    }
    width -= int(kGap * scale);
    const int top = int(header * scale);
    QImage out(std::max(width, int(600 * scale)), height + top, QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::white);
    {
        QPainter p(&out);
        p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        p.scale(scale, scale);
        QFont f = font();
        f.setPixelSize(12);
        p.setFont(f);
        qreal lx = 6;
        for (const LegendEntry& e : legend) {
            p.setPen(QColor("#666666"));
            p.setBrush(style.stateColor(e.state));
            p.drawRoundedRect(QRectF(lx, 5, 14, 14), 3, 3);
            p.setPen(Qt::black);
            p.drawText(QPointF(lx + 18, 17), e.name);
            lx += 18 + QFontMetrics(f).horizontalAdvance(e.name) + 16;
        }
        qreal x = 0;
        QFont bold = f;
        bold.setBold(true);
        bold.setPixelSize(13);
        for (int i = 0; i < images.size(); ++i) {
            const qreal w = images[i].width() / scale;
            p.fillRect(QRectF(x, kLegendHeight, w, kTitleHeight), QColor("#eef1f5"));
            p.setFont(bold);
            p.setPen(Qt::black);
            p.drawText(QRectF(x + 6, kLegendHeight, w - 12, kTitleHeight), Qt::AlignVCenter | Qt::AlignLeft,
                       QFontMetrics(bold).elidedText(sides[i].title, Qt::ElideRight, int(w - 12)));
            p.drawImage(QRectF(x, header, w, images[i].height() / scale), images[i]);
            x += w + kGap;
        }
    }
    if (out.save(path))
        return true;
    if (error)
        *error = tr("Cannot write the image '%1'.").arg(path);
    return false;
}

} // namespace netfold
