#pragma once
#include "GraphStyle.h"
#include "model/Graph.h"

#include <QGraphicsItem>
#include <QHash>
#include <QStaticText>
#include <QVector>

#include <memory>

namespace netfold {

class GraphScene;
struct NodeVisual;

/// A node box: a title bar coloured by op category, then one row per initializer, inlined
/// constant or attribute (as Netron draws them). Zoomed out it becomes a plain box.
class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    NodeItem(GraphScene* scene, int layoutIndex, QGraphicsItem* parent);
    int type() const override { return Type; }

    /// Index of the drawn node in the scene's LayoutGraph.
    int layoutIndex() const { return m_index; }
    /// The operator node drawn (kNoNode for graph inputs and outputs).
    NodeId nodeId() const;
    const NodeVisual& visual() const;
    /// The box in item coordinates (the bounding rect also covers outlines).
    QRectF box() const { return m_box; }
    /// The NodeId under a point in item coordinates: an inlined constant's row, else nodeId().
    NodeId idAt(const QPointF& pos) const;
    /// The body row under a point in item coordinates, or -1 (title bar, outside the rows).
    int rowAt(const QPointF& pos) const;
    /// The graph attribute to open for a double-click at pos: the body row under it, else the
    /// node's first body; empty for nodes without one.
    QString subgraphAt(const QPointF& pos) const;

    void setHighlight(HighlightState state);
    HighlightState highlight() const { return m_state; }
    /// Highlight of one inlined constant's row.
    void setRowHighlight(NodeId constant, HighlightState state);
    HighlightState rowHighlight(NodeId constant) const { return m_rowStates.value(constant, HighlightState::None); }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    /// Zoom below which node text is not drawn.
    static constexpr qreal kTextLod = 0.42;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
    /// Expand a collapsed group, or collapse a group around the node.
    void contextMenuEvent(QGraphicsSceneContextMenuEvent* event) override;

private:
    /// Laid-out text, made on the first detailed paint (only nodes that are seen pay for it).
    struct Text {
        QStaticText title;
        QVector<QStaticText> labels;
        QVector<QStaticText> texts;
    };
    const Text& text();
    /// A collapsed group's badges ("−12 folded  +1 added") in the highlight colours, on its
    /// second row.
    void paintBadges(QPainter* painter, qreal top);
    /// The state most of a collapsed group's changed members are in.
    HighlightState groupState() const;

    GraphScene* m_scene;
    std::unique_ptr<Text> m_text;
    int m_index;
    QRectF m_box;
    HighlightState m_state = HighlightState::None;
    QHash<NodeId, HighlightState> m_rowStates;
};

} // namespace netfold
