#pragma once
#include "layout/LayoutTypes.h"

#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>
#include <QLineF>
#include <QStaticText>
#include <QVarLengthArray>

#include <memory>
#include <QVector>

#include <functional>

namespace netfold {

class GraphScene;

/// An edge: a Graphviz spline from producer to consumer with an arrowhead and an optional
/// tensor-shape label. A long edge drawn as stubs has two short pieces (producer -> its
/// "to ..." stub, "from ..." stub -> consumer).
class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 2 };

    EdgeItem(GraphScene* scene, int edgeIndex, const EdgeGeometry& geometry, const QString& label, qreal labelWidth,
             QGraphicsItem* parent);
    int type() const override { return Type; }

    /// Index of the edge in the scene's LayoutGraph.
    int edgeIndex() const { return m_index; }
    bool isStubbed() const { return m_stubbed; }
    /// The drawn path (built on first use: most edges of a big graph are never drawn in detail).
    const QPainterPath& path() const;
    /// The straight lines from each spline segment's start to its end, for the zoomed-out overview.
    void appendOverviewLines(QVector<QLineF>& out) const;
    const QPolygonF& arrow() const { return m_arrow; }
    QString label() const { return m_label; }
    QPointF labelPos() const { return m_labelPos; }
    /// Puts the label at the first of its candidate spots (right, then left of the edge) whose
    /// rectangle isFree accepts; hides it when none is. Returns the rectangle used (or empty).
    QRectF placeLabel(const std::function<bool(const QRectF&)>& isFree);
    bool labelShown() const { return m_labelShown; }
    QRectF labelRect() const { return m_labelShown ? m_labelRect : QRectF(); }
    /// Drawn in the selection colour (an edge of the selected node).
    void setEmphasis(bool on);
    bool emphasis() const { return m_emphasis; }

    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    /// Zoom below which labels are not drawn.
    static constexpr qreal kLabelLod = 0.55;

private:
    GraphScene* m_scene;
    int m_index;
    bool m_stubbed = false;
    bool m_emphasis = false;
    /// Spline points of each drawn piece (1 + 3k each), one after the other.
    QVector<QPointF> m_points;
    QVarLengthArray<int, 2> m_pieceSizes;
    mutable QPainterPath m_path;
    mutable bool m_pathBuilt = false;
    QPolygonF m_arrow;
    QString m_label;
    std::unique_ptr<QStaticText> m_labelText;
    QPointF m_labelPos;
    QRectF m_labelRect;
    qreal m_labelWidth = 0;
    bool m_labelShown = false;
    QVector<QPointF> m_spots;
    QRectF m_pathBounds;
    QRectF m_bounds;
};

} // namespace netfold
