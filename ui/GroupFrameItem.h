#pragma once
#include <QColor>
#include <QGraphicsItem>
#include <QString>

#include <string>

namespace netfold {

class GraphScene;

/// The frame of an open name-scope group the user had collapsed: a rounded outline around its
/// nodes with a title tab above ("layers.3  138 nodes  ▴"). Double-clicking the tab collapses
/// the group again. Drawn under the nodes; only the tab takes the mouse.
class GroupFrameItem : public QGraphicsItem {
public:
    enum { Type = UserType + 5 };

    GroupFrameItem(GraphScene* scene, std::string path, const QString& title, const QRectF& around);
    int type() const override { return Type; }
    const std::string& path() const { return m_path; }
    /// The tab's text ("layers.3  138 nodes  ▴").
    const QString& title() const { return m_title; }
    /// The outline, in scene coordinates (the item sits at the origin).
    QRectF frame() const { return m_frame; }
    /// The title tab (what takes the double-click).
    QRectF tab() const { return m_tab; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    /// How it is drawn, shared by paint() and the SVG export.
    static constexpr qreal kFrameRadius = 8;
    static constexpr qreal kTabRadius = 4;
    static constexpr qreal kTabPaddingX = 6;
    static constexpr qreal kFillAlpha = 0.12;
    static QColor outlineColor(const QColor& title) { return title.darker(130); }

protected:
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;

private:
    GraphScene* m_scene;
    std::string m_path;
    QString m_title;
    QRectF m_frame;
    QRectF m_tab;
};

} // namespace netfold
