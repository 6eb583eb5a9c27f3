#pragma once
#include <QGraphicsItem>
#include <QLineF>
#include <QRectF>
#include <QVector>

namespace netfold {

class GraphScene;
class NodeItem;
class EdgeItem;
class StubItem;

/// One laid-out chunk: the top-level parent of its node, edge and stub items. It bounds them
/// (so the view skips whole chunks out of sight) and, zoomed far out, hides them and draws a
/// cheap overview instead: batched rectangles per category and straight edge segments.
class ChunkItem : public QGraphicsItem {
public:
    enum { Type = UserType + 4 };

    ChunkItem(GraphScene* scene, int chunk);
    int type() const override { return Type; }
    int chunk() const { return m_chunk; }
    /// Parent for the detail items.
    QGraphicsItem* layer() const { return m_layer; }
    void addNode(NodeItem* item) { m_nodes.push_back(item); }
    void addEdge(EdgeItem* item) { m_edges.push_back(item); }
    void addStub(StubItem* item) { m_stubs.push_back(item); }
    const QVector<NodeItem*>& nodes() const { return m_nodes; }
    const QVector<EdgeItem*>& edges() const { return m_edges; }
    const QVector<StubItem*>& stubs() const { return m_stubs; }
    /// Call once the items are added: computes the bounds.
    void finish();
    /// Overview on: detail items hidden (fully transparent), the chunk draws itself.
    void setOverview(bool on);
    bool overview() const { return m_overview; }

    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void buildOverview();

    GraphScene* m_scene;
    int m_chunk;
    QGraphicsItem* m_layer;
    QVector<NodeItem*> m_nodes;
    QVector<EdgeItem*> m_edges;
    QVector<StubItem*> m_stubs;
    QRectF m_bounds;
    bool m_overview = false;
    bool m_built = false;
    QVector<QVector<QRectF>> m_rectsByCategory;
    QVector<QRectF> m_stubRects;
    QVector<QLineF> m_lines;
};

} // namespace netfold
