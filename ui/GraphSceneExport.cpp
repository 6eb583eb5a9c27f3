// GraphScene: SVG and image export.
#include "ChunkItem.h"
#include "EdgeItem.h"
#include "GraphScene.h"
#include "GroupFrameItem.h"
#include "NodeItem.h"
#include "StubItem.h"

#include <QFontMetricsF>
#include <QIODevice>
#include <QImage>
#include <QPainter>
#include <QXmlStreamWriter>

#include <cmath>

namespace netfold {

namespace {

QString num(qreal v) { return QString::number(std::round(v * 100) / 100, 'g', 10); }

QString svgPath(const QPainterPath& path)
{
    QString d;
    d.reserve(path.elementCount() * 16);
    for (int i = 0; i < path.elementCount(); ++i) {
        const QPainterPath::Element e = path.elementAt(i);
        switch (e.type) {
        case QPainterPath::MoveToElement:
            d += QStringLiteral("M%1,%2").arg(num(e.x), num(e.y));
            break;
        case QPainterPath::LineToElement:
            d += QStringLiteral("L%1,%2").arg(num(e.x), num(e.y));
            break;
        case QPainterPath::CurveToElement:
            d += QStringLiteral("C%1,%2").arg(num(e.x), num(e.y));
            break;
        case QPainterPath::CurveToDataElement:
            d += QStringLiteral(" %1,%2").arg(num(e.x), num(e.y));
            break;
        }
    }
    return d;
}

QString rgb(const QColor& c) { return c.name(QColor::HexRgb); }

void fontAttributes(QXmlStreamWriter& w, const QFont& f)
{
    w.writeAttribute(QStringLiteral("font-size"), num(f.pixelSize() > 0 ? f.pixelSize() : f.pointSizeF()));
    if (f.weight() >= QFont::DemiBold)
        w.writeAttribute(QStringLiteral("font-weight"), QStringLiteral("bold"));
}

} // namespace

bool GraphScene::writeSvg(QIODevice* device, QString* error) const
{
    if (!device || !device->isWritable()) {
        if (error)
            *error = tr("Cannot write the SVG: the output is not writable.");
        return false;
    }
    const GraphStyle& st = *m_style;
    const QRectF b = m_bounds.adjusted(-20, -20, 20, 20);
    QXmlStreamWriter w(device);
    w.setAutoFormatting(false);
    w.writeStartDocument();
    w.writeStartElement(QStringLiteral("svg"));
    w.writeDefaultNamespace(QStringLiteral("http://www.w3.org/2000/svg"));
    w.writeAttribute(QStringLiteral("width"), num(b.width()));
    w.writeAttribute(QStringLiteral("height"), num(b.height()));
    w.writeAttribute(QStringLiteral("viewBox"),
                     QStringLiteral("%1 %2 %3 %4").arg(num(b.x()), num(b.y()), num(b.width()), num(b.height())));
    const QString family = QFontInfo(st.titleFont).family();
    w.writeAttribute(QStringLiteral("font-family"), family + QStringLiteral(", sans-serif"));
    w.writeEmptyElement(QStringLiteral("rect"));
    w.writeAttribute(QStringLiteral("x"), num(b.x()));
    w.writeAttribute(QStringLiteral("y"), num(b.y()));
    w.writeAttribute(QStringLiteral("width"), num(b.width()));
    w.writeAttribute(QStringLiteral("height"), num(b.height()));
    w.writeAttribute(QStringLiteral("fill"), rgb(st.background));

    // Frames of open groups first (under everything, as on screen).
    w.writeStartElement(QStringLiteral("g"));
    w.writeAttribute(QStringLiteral("class"), QStringLiteral("groups"));
    const GraphStyle::Category& groupCat = st.category(st.groupCategory());
    for (const GroupFrameItem* f : m_frames) {
        if (!f)
            continue;
        w.writeStartElement(QStringLiteral("g"));
        w.writeAttribute(QStringLiteral("class"), QStringLiteral("group"));
        w.writeAttribute(QStringLiteral("data-path"), QString::fromStdString(f->path()));
        const QRectF fr = f->frame(), tab = f->tab();
        w.writeEmptyElement(QStringLiteral("rect"));
        w.writeAttribute(QStringLiteral("x"), num(fr.x()));
        w.writeAttribute(QStringLiteral("y"), num(fr.y()));
        w.writeAttribute(QStringLiteral("width"), num(fr.width()));
        w.writeAttribute(QStringLiteral("height"), num(fr.height()));
        w.writeAttribute(QStringLiteral("rx"), num(GroupFrameItem::kFrameRadius));
        w.writeAttribute(QStringLiteral("fill"), rgb(groupCat.title));
        w.writeAttribute(QStringLiteral("fill-opacity"), num(GroupFrameItem::kFillAlpha));
        w.writeAttribute(QStringLiteral("stroke"), rgb(GroupFrameItem::outlineColor(groupCat.title)));
        w.writeAttribute(QStringLiteral("stroke-width"), QStringLiteral("1.2"));
        w.writeEmptyElement(QStringLiteral("rect"));
        w.writeAttribute(QStringLiteral("x"), num(tab.x()));
        w.writeAttribute(QStringLiteral("y"), num(tab.y()));
        w.writeAttribute(QStringLiteral("width"), num(tab.width()));
        w.writeAttribute(QStringLiteral("height"), num(tab.height()));
        w.writeAttribute(QStringLiteral("rx"), num(GroupFrameItem::kTabRadius));
        w.writeAttribute(QStringLiteral("fill"), rgb(groupCat.title));
        w.writeStartElement(QStringLiteral("text"));
        w.writeAttribute(QStringLiteral("x"), num(tab.x() + GroupFrameItem::kTabPaddingX));
        w.writeAttribute(QStringLiteral("y"), num(tab.center().y() + m_rowBaseline - st.rowHeight / 2));
        fontAttributes(w, st.rowFont);
        w.writeAttribute(QStringLiteral("fill"), rgb(groupCat.text));
        w.writeAttribute(QStringLiteral("xml:space"), QStringLiteral("preserve")); // its two-space gaps
        w.writeCharacters(f->title());
        w.writeEndElement();
        w.writeEndElement();
    }
    w.writeEndElement();

    // Edges (under the nodes).
    w.writeStartElement(QStringLiteral("g"));
    w.writeAttribute(QStringLiteral("class"), QStringLiteral("edges"));
    for (const EdgeItem* e : m_edgeItems) {
        if (!e)
            continue;
        const LayoutEdge& le = m_layoutGraph->edges[e->edgeIndex()];
        w.writeStartElement(QStringLiteral("g"));
        w.writeAttribute(QStringLiteral("class"), e->isStubbed() ? QStringLiteral("edge stubbed") : QStringLiteral("edge"));
        w.writeAttribute(QStringLiteral("id"), QStringLiteral("edge-%1").arg(e->edgeIndex()));
        w.writeAttribute(QStringLiteral("data-value"), QString::fromStdString(le.value));
        w.writeEmptyElement(QStringLiteral("path"));
        w.writeAttribute(QStringLiteral("d"), svgPath(e->path()));
        w.writeAttribute(QStringLiteral("fill"), QStringLiteral("none"));
        w.writeAttribute(QStringLiteral("stroke"), rgb(st.edgeColor));
        w.writeAttribute(QStringLiteral("stroke-width"), num(st.edgeWidth));
        if (!e->arrow().isEmpty()) {
            QStringList pts;
            for (const QPointF& p : e->arrow())
                pts << num(p.x()) + QLatin1Char(',') + num(p.y());
            w.writeEmptyElement(QStringLiteral("polygon"));
            w.writeAttribute(QStringLiteral("points"), pts.join(QLatin1Char(' ')));
            w.writeAttribute(QStringLiteral("fill"), rgb(st.edgeColor));
        }
        if (e->labelShown() && m_options.edgeLabels) {
            w.writeStartElement(QStringLiteral("text"));
            w.writeAttribute(QStringLiteral("x"), num(e->labelPos().x()));
            w.writeAttribute(QStringLiteral("y"), num(e->labelPos().y() + m_labelBaselineOffset));
            fontAttributes(w, st.labelFont);
            w.writeAttribute(QStringLiteral("fill"), rgb(st.edgeLabel));
            w.writeCharacters(e->label());
            w.writeEndElement();
        }
        w.writeEndElement();
    }
    w.writeEndElement();

    // Nodes: one group each.
    w.writeStartElement(QStringLiteral("g"));
    w.writeAttribute(QStringLiteral("class"), QStringLiteral("nodes"));
    for (const NodeItem* n : m_nodeItems) {
        if (!n)
            continue;
        const NodeVisual& v = n->visual();
        const GraphStyle::Category& cat = st.category(v.category);
        const LayoutNode& ln = m_layoutGraph->nodes[n->layoutIndex()];
        const QPointF o = n->pos();
        const qreal wdt = v.width, hgt = v.height;
        const bool hasBody = !v.rows.isEmpty();
        const qreal th = hasBody ? st.titleHeight : hgt;
        w.writeStartElement(QStringLiteral("g"));
        w.writeAttribute(QStringLiteral("class"), QStringLiteral("node ") + cat.name);
        w.writeAttribute(QStringLiteral("id"), v.kind == LayoutNodeKind::Op ? QStringLiteral("node-%1").arg(v.id)
                                               : v.kind == LayoutNodeKind::Input
                                                   ? QStringLiteral("input-%1").arg(n->layoutIndex())
                                                   : QStringLiteral("output-%1").arg(n->layoutIndex()));
        w.writeAttribute(QStringLiteral("data-name"), QString::fromStdString(ln.name));
        if (n->highlight() != HighlightState::None)
            w.writeAttribute(QStringLiteral("data-state"), GraphStyle::stateName(n->highlight()));
        w.writeAttribute(QStringLiteral("transform"), QStringLiteral("translate(%1,%2)").arg(num(o.x()), num(o.y())));
        const qreal r = st.radius;
        w.writeEmptyElement(QStringLiteral("rect"));
        w.writeAttribute(QStringLiteral("width"), num(wdt));
        w.writeAttribute(QStringLiteral("height"), num(hgt));
        w.writeAttribute(QStringLiteral("rx"), num(r));
        w.writeAttribute(QStringLiteral("fill"), rgb(hasBody ? st.body : cat.title));
        if (hasBody) {
            // Title band with rounded top corners.
            w.writeEmptyElement(QStringLiteral("path"));
            w.writeAttribute(QStringLiteral("d"), QStringLiteral("M0,%1V%2A%2,%2 0 0 1 %2,0H%3A%2,%2 0 0 1 %4,%2V%1Z")
                                                      .arg(num(th), num(r), num(wdt - r), num(wdt)));
            w.writeAttribute(QStringLiteral("fill"), rgb(cat.title));
        }
        w.writeEmptyElement(QStringLiteral("rect"));
        w.writeAttribute(QStringLiteral("x"), QStringLiteral("0.5"));
        w.writeAttribute(QStringLiteral("y"), QStringLiteral("0.5"));
        w.writeAttribute(QStringLiteral("width"), num(wdt - 1));
        w.writeAttribute(QStringLiteral("height"), num(hgt - 1));
        w.writeAttribute(QStringLiteral("rx"), num(r));
        w.writeAttribute(QStringLiteral("fill"), QStringLiteral("none"));
        w.writeAttribute(QStringLiteral("stroke"), rgb(n->highlight() != HighlightState::None ? st.stateColor(n->highlight())
                                                                                              : st.border));
        w.writeStartElement(QStringLiteral("text"));
        w.writeAttribute(QStringLiteral("x"), num(wdt / 2));
        w.writeAttribute(QStringLiteral("y"), num(titleBaseline(th)));
        w.writeAttribute(QStringLiteral("text-anchor"), QStringLiteral("middle"));
        fontAttributes(w, st.titleFont);
        w.writeAttribute(QStringLiteral("fill"), rgb(cat.text));
        w.writeCharacters(v.title);
        w.writeEndElement();
        qreal y = th + st.bodyPaddingY;
        for (const NodeVisual::Row& row : v.rows) {
            w.writeStartElement(QStringLiteral("text"));
            w.writeAttribute(QStringLiteral("x"), num(st.paddingX));
            w.writeAttribute(QStringLiteral("y"), num(y + m_rowBaseline));
            fontAttributes(w, st.rowFont);
            if (!row.label.isEmpty()) {
                w.writeStartElement(QStringLiteral("tspan"));
                w.writeAttribute(QStringLiteral("font-weight"), QStringLiteral("bold"));
                w.writeAttribute(QStringLiteral("fill"), rgb(st.rowLabel));
                w.writeCharacters(row.label);
                w.writeEndElement();
                w.writeCharacters(QStringLiteral(" "));
            }
            w.writeStartElement(QStringLiteral("tspan"));
            w.writeAttribute(QStringLiteral("fill"), rgb(st.rowText));
            w.writeCharacters(row.text);
            w.writeEndElement();
            w.writeEndElement();
            y += st.rowHeight;
        }
        w.writeEndElement();
    }
    w.writeEndElement();

    // Stubs.
    w.writeStartElement(QStringLiteral("g"));
    w.writeAttribute(QStringLiteral("class"), QStringLiteral("stubs"));
    for (const StubItem* s : m_stubItems) {
        if (!s)
            continue;
        const QRectF box = s->box().translated(s->pos());
        w.writeStartElement(QStringLiteral("g"));
        w.writeAttribute(QStringLiteral("class"), s->isOutgoing() ? QStringLiteral("stub out") : QStringLiteral("stub in"));
        w.writeEmptyElement(QStringLiteral("rect"));
        w.writeAttribute(QStringLiteral("x"), num(box.x()));
        w.writeAttribute(QStringLiteral("y"), num(box.y()));
        w.writeAttribute(QStringLiteral("width"), num(box.width()));
        w.writeAttribute(QStringLiteral("height"), num(box.height()));
        w.writeAttribute(QStringLiteral("rx"), num(box.height() / 2));
        w.writeAttribute(QStringLiteral("fill"), rgb(st.stubFill));
        w.writeAttribute(QStringLiteral("stroke"), rgb(st.stubBorder));
        w.writeAttribute(QStringLiteral("stroke-dasharray"), QStringLiteral("3,2"));
        w.writeStartElement(QStringLiteral("text"));
        w.writeAttribute(QStringLiteral("x"), num(box.center().x()));
        w.writeAttribute(QStringLiteral("y"), num(box.center().y() + m_labelBaselineOffset));
        w.writeAttribute(QStringLiteral("text-anchor"), QStringLiteral("middle"));
        fontAttributes(w, st.labelFont);
        w.writeAttribute(QStringLiteral("fill"), rgb(st.stubText));
        w.writeCharacters(s->text());
        w.writeEndElement();
        w.writeEndElement();
    }
    w.writeEndElement();

    w.writeEndElement();
    w.writeEndDocument();
    if (w.hasError()) {
        if (error)
            *error = tr("Cannot write the SVG: %1.").arg(device->errorString());
        return false;
    }
    return true;
}

QImage GraphScene::renderImage(qreal scale, int maxSide)
{
    const QRectF src = m_bounds.adjusted(-20, -20, 20, 20);
    if (src.isEmpty())
        return {};
    scale = qMin(scale, maxSide / qMax(src.width(), src.height()));
    const QSize size(qMax(1, int(std::ceil(src.width() * scale))), qMax(1, int(std::ceil(src.height() * scale))));
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(m_style->background);
    const bool overview = m_overview;
    setLevelOfDetail(scale);
    {
        QPainter p(&image);
        p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
        render(&p, QRectF(QPointF(0, 0), QSizeF(size)), src);
    }
    setLevelOfDetail(overview ? 0.0 : 1.0);
    return image;
}

} // namespace netfold
