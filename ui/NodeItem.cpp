#include "NodeItem.h"

#include "GraphScene.h"
#include "NodeVisual.h"

#include <QGraphicsSceneContextMenuEvent>
#include <QGraphicsSceneMouseEvent>
#include <QMenu>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

namespace netfold {

namespace {

/// The title band: a rectangle whose top corners are rounded.
QPainterPath titlePath(qreal w, qreal h, qreal r)
{
    QPainterPath p;
    r = qMin(r, qMin(w, h) / 2);
    p.moveTo(0, h);
    p.lineTo(0, r);
    p.arcTo(0, 0, 2 * r, 2 * r, 180, -90);
    p.lineTo(w - r, 0);
    p.arcTo(w - 2 * r, 0, 2 * r, 2 * r, 90, -90);
    p.lineTo(w, h);
    p.closeSubpath();
    return p;
}

} // namespace

NodeItem::NodeItem(GraphScene* scene, int layoutIndex, QGraphicsItem* parent)
    : QGraphicsItem(parent), m_scene(scene), m_index(layoutIndex)
{
    const NodeVisual& v = visual();
    m_box = QRectF(0, 0, v.width, v.height);
    setFlag(ItemIsSelectable);
    setAcceptedMouseButtons(Qt::LeftButton);
    setZValue(2);
}

NodeId NodeItem::nodeId() const { return visual().id; }

namespace {
QStaticText staticText(const QString& s)
{
    QStaticText t(s);
    t.setTextFormat(Qt::PlainText);
    t.setPerformanceHint(QStaticText::AggressiveCaching);
    return t;
}
} // namespace

const NodeItem::Text& NodeItem::text()
{
    if (!m_text) {
        const NodeVisual& v = visual();
        m_text = std::make_unique<Text>();
        m_text->title = staticText(v.title);
        for (const NodeVisual::Row& row : v.rows) {
            m_text->labels.push_back(staticText(row.label));
            m_text->texts.push_back(staticText(row.text));
        }
    }
    return *m_text;
}

const NodeVisual& NodeItem::visual() const { return m_scene->visual(m_index); }

int NodeItem::rowAt(const QPointF& pos) const
{
    const GraphStyle& st = m_scene->style();
    const qreal top = st.titleHeight + st.bodyPaddingY;
    const int row = pos.y() >= top ? int((pos.y() - top) / st.rowHeight) : -1;
    return row < visual().rows.size() ? row : -1;
}

NodeId NodeItem::idAt(const QPointF& pos) const
{
    const NodeVisual& v = visual();
    const int row = rowAt(pos);
    return row >= 0 && v.rows[row].constant != kNoNode ? v.rows[row].constant : v.id;
}

QString NodeItem::subgraphAt(const QPointF& pos) const
{
    const NodeVisual& v = visual();
    const int row = rowAt(pos);
    if (row >= 0 && !v.rows[row].subgraph.isEmpty())
        return v.rows[row].subgraph;
    for (const NodeVisual::Row& r : v.rows)
        if (!r.subgraph.isEmpty())
            return r.subgraph;
    return {};
}

void NodeItem::setHighlight(HighlightState state)
{
    if (state == m_state)
        return;
    m_state = state;
    update();
}

void NodeItem::setRowHighlight(NodeId constant, HighlightState state)
{
    if (state == HighlightState::None)
        m_rowStates.remove(constant);
    else
        m_rowStates.insert(constant, state);
    update();
}

QRectF NodeItem::boundingRect() const { return m_box.adjusted(-4, -4, 4, 4); }

QPainterPath NodeItem::shape() const
{
    QPainterPath p;
    p.addRect(m_box);
    return p;
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const NodeVisual& v = visual();
    const GraphStyle& st = m_scene->style();
    const GraphStyle::Category& cat = st.category(v.category);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const qreal w = m_box.width(), h = m_box.height();
    const bool hasBody = !v.rows.isEmpty();
    const qreal th = hasBody ? st.titleHeight : h;
    const bool group = v.kind == LayoutNodeKind::Group;
    // A collapsed group is outlined in the colour of what happened to most of its changed members.
    const HighlightState state = group ? groupState() : m_state;
    const QColor stateColor = st.stateColor(state);
    QColor title = cat.title;
    // A representation move is quiet: an outline, the title keeps its colours.
    const bool quiet = state == HighlightState::Moved;
    if (state != HighlightState::None && !quiet && !group)
        title = QColor::fromRgbF(title.redF() * 0.55 + stateColor.redF() * 0.45,
                                 title.greenF() * 0.55 + stateColor.greenF() * 0.45,
                                 title.blueF() * 0.55 + stateColor.blueF() * 0.45);

    if (lod < kTextLod) {
        // Far out: plain boxes, no text, no curves.
        painter->setPen(Qt::NoPen);
        painter->setBrush(title);
        painter->drawRect(QRectF(0, 0, w, th));
        if (hasBody) {
            painter->setBrush(st.body);
            painter->drawRect(QRectF(0, th, w, h - th));
        }
        painter->setBrush(Qt::NoBrush);
        if (isSelected() || state != HighlightState::None) {
            painter->setPen(QPen(isSelected() ? st.selection : stateColor, 0));
            painter->drawRect(m_box.adjusted(-2, -2, 2, 2));
        } else {
            painter->setPen(QPen(st.border, 0));
            painter->drawRect(m_box);
        }
        return;
    }

    painter->setRenderHint(QPainter::Antialiasing, true);
    const qreal r = st.radius;
    const QPen border(st.border, 1.0);
    if (hasBody) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(st.body);
        painter->drawRoundedRect(m_box, r, r);
        painter->setBrush(title);
        painter->drawPath(titlePath(w, th, r));
        painter->setPen(border);
        painter->drawLine(QPointF(0, th), QPointF(w, th));
    } else {
        painter->setPen(Qt::NoPen);
        painter->setBrush(title);
        painter->drawRoundedRect(m_box, r, r);
    }
    painter->setBrush(Qt::NoBrush);
    painter->setPen(border);
    painter->drawRoundedRect(m_box.adjusted(0.5, 0.5, -0.5, -0.5), r, r);

    // Title, centred.
    painter->setFont(st.titleFont);
    painter->setPen(state == HighlightState::None || quiet || group ? cat.text : QColor(Qt::white));
    const Text& text = this->text();
    painter->drawStaticText(QPointF((w - v.titleWidth) / 2, m_scene->titleBaseline(th) - m_scene->titleAscent()), text.title);

    // Rows.
    if (hasBody) {
        qreal y = th + st.bodyPaddingY;
        const qreal rowTop = m_scene->rowBaseline() - m_scene->rowAscent();
        for (int i = 0; i < v.rows.size(); ++i) {
            const NodeVisual::Row& row = v.rows[i];
            const HighlightState rs = row.constant != kNoNode ? rowHighlight(row.constant)
                                      : row.value.isEmpty()      ? HighlightState::None
                                                                 : m_scene->valueHighlight(row.value);
            if (rs != HighlightState::None) {
                QColor c = st.stateColor(rs);
                c.setAlphaF(0.25);
                painter->fillRect(QRectF(1, y, w - 2, st.rowHeight), c);
            }
            qreal x = st.paddingX;
            if (!row.label.isEmpty()) {
                painter->setFont(st.rowLabelFont);
                painter->setPen(st.rowLabel);
                painter->drawStaticText(QPointF(x, y + rowTop), text.labels[i]);
                x += row.labelWidth + 4;
            }
            painter->setFont(st.rowFont);
            painter->setPen(st.rowText);
            painter->drawStaticText(QPointF(x, y + rowTop), text.texts[i]);
            y += st.rowHeight;
        }
        if (group)
            paintBadges(painter, th + st.bodyPaddingY + st.rowHeight);
    }

    if (state != HighlightState::None) {
        painter->setPen(QPen(stateColor, quiet ? 1.5 : 2.5, quiet ? Qt::DashLine : Qt::SolidLine));
        painter->drawRoundedRect(m_box.adjusted(-1.5, -1.5, 1.5, 1.5), r + 1, r + 1);
    }
    if (isSelected()) {
        painter->setPen(QPen(st.selection, 2.5));
        painter->drawRoundedRect(m_box.adjusted(-2.5, -2.5, 2.5, 2.5), r + 2, r + 2);
    }
}

HighlightState NodeItem::groupState() const
{
    const std::array<int, 7> counts = m_scene->groupBadges(m_index);
    HighlightState best = HighlightState::None;
    int most = 0;
    for (HighlightState h : {HighlightState::Folded, HighlightState::Removed, HighlightState::Fused,
                             HighlightState::Added, HighlightState::Changed, HighlightState::Moved})
        if (counts[std::size_t(h)] > most) {
            most = counts[std::size_t(h)];
            best = h;
        }
    // Moves alone stay quiet; with real changes they do not decide the colour.
    if (best == HighlightState::Moved)
        for (HighlightState h : {HighlightState::Folded, HighlightState::Removed, HighlightState::Fused,
                                 HighlightState::Added, HighlightState::Changed})
            if (counts[std::size_t(h)] > 0)
                return h;
    return best;
}

void NodeItem::paintBadges(QPainter* painter, qreal top)
{
    const GraphStyle& st = m_scene->style();
    painter->setFont(st.rowFont);
    const QFontMetricsF fm(st.rowFont);
    qreal x = st.paddingX;
    const qreal baseline = top + m_scene->rowBaseline();
    for (const GraphScene::Badge& b : m_scene->groupBadgeTexts(m_index, true)) {
        painter->setPen(st.stateColor(b.state));
        painter->drawText(QPointF(x, baseline), b.text);
        x += fm.horizontalAdvance(b.text) + 6;
        if (x > m_box.width())
            break;
    }
}

namespace {
/// Runs f on the scene after the event being handled: a relayout deletes every item, this one too.
template <typename F> void later(GraphScene* scene, F f)
{
    QMetaObject::invokeMethod(scene, std::move(f), Qt::QueuedConnection);
}
} // namespace

void NodeItem::contextMenuEvent(QGraphicsSceneContextMenuEvent* event)
{
    const NodeVisual& v = visual();
    QMenu menu;
    if (v.kind == LayoutNodeKind::Group) {
        const std::string path = m_scene->layoutGraph().nodes[std::size_t(m_index)].name;
        menu.addAction(QObject::tr("Expand '%1'").arg(v.title), [scene = m_scene, path] { later(scene, [scene, path] { scene->expandGroup(path); }); });
    } else if (v.id != kNoNode) {
        for (const std::string& path : m_scene->groupsAround(v.id)) {
            const QString shown = QString::fromStdString(path);
            menu.addAction(QObject::tr("Collapse '%1'").arg(shown.section(u'/', -1)),
                           [scene = m_scene, path] { later(scene, [scene, path] { scene->collapseGroup(path); }); })
                ->setToolTip(shown);
        }
    }
    if (!m_scene->scopes().groups.empty()) {
        if (!menu.isEmpty())
            menu.addSeparator();
        menu.addAction(QObject::tr("Expand All Groups"), [scene = m_scene] { later(scene, [scene] { scene->expandAllGroups(); }); });
        menu.addAction(QObject::tr("Collapse All Groups"), [scene = m_scene] { later(scene, [scene] { scene->collapseAllGroups(); }); });
    }
    if (menu.isEmpty()) {
        event->ignore();
        return;
    }
    event->accept();
    menu.exec(event->screenPos());
}

void NodeItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    if (visual().kind == LayoutNodeKind::Group) {
        event->accept();
        later(m_scene, [scene = m_scene, path = m_scene->layoutGraph().nodes[std::size_t(m_index)].name] {
            scene->expandGroup(path);
        });
        return;
    }
    const QString attribute = subgraphAt(event->pos());
    if (attribute.isEmpty() || nodeId() == kNoNode) {
        QGraphicsItem::mouseDoubleClickEvent(event);
        return;
    }
    event->accept();
    m_scene->requestSubgraph(nodeId(), attribute);
}

void NodeItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    m_scene->noteClickedId(idAt(event->pos()));
    QGraphicsItem::mousePressEvent(event);
    if (isSelected())
        m_scene->selectLayoutNode(m_index, idAt(event->pos()));
}

} // namespace netfold
