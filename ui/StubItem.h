#pragma once
#include "layout/LayoutTypes.h"

#include <QGraphicsItem>
#include <QString>

namespace netfold {

class GraphScene;

/// A "go to" reference standing in for a long edge: "to Reshape" below the producer, "from Shape"
/// above the consumer. Clicking it selects and shows the other end.
class StubItem : public QGraphicsItem {
public:
    enum { Type = UserType + 3 };

    StubItem(GraphScene* scene, int stubIndex, const LayoutStub& stub, const QString& text, QGraphicsItem* parent);
    int type() const override { return Type; }
    int stubIndex() const { return m_index; }
    bool isOutgoing() const { return m_outgoing; }
    QString text() const { return m_text; }
    QRectF box() const { return m_box; }

    QRectF boundingRect() const override { return m_box.adjusted(-1, -1, 1, 1); }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;

private:
    GraphScene* m_scene;
    int m_index;
    bool m_outgoing;
    QString m_text;
    QRectF m_box;
};

} // namespace netfold
