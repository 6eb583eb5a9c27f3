#pragma once
#include <QColor>
#include <QFont>
#include <QHash>
#include <QString>
#include <QVector>

namespace netfold {

/// Per-node highlight of the compare view (what a pipeline step did to the node).
/// Moved is a representation-only change (a Constant node turned initializer, duplicate
/// initializers merged, unused ones dropped): nothing was computed away.
enum class HighlightState : quint8 { None, Removed, Folded, Fused, Added, Changed, Moved };

/// Colours, fonts and metrics of the graph view, loaded from a JSON style file
/// (resources/style/graph-style.json): one category per op family, one colour per diff state.
class GraphStyle {
public:
    struct Category {
        QString name;
        QColor title;
        QColor text;
    };

    /// The bundled style (":/style/graph-style.json"), loaded once: its dark variant when the
    /// application's palette is dark (see Palette.h).
    static const GraphStyle& standard();
    /// The bundled style's light or dark variant.
    static const GraphStyle& standard(bool dark);
    /// Parses a style file; falls back to built-in defaults for anything missing or invalid.
    /// With dark, the members of the file's "dark" object replace those they name first.
    static GraphStyle fromJson(const QByteArray& json, QString* error = nullptr, bool dark = false);

    /// Category index of an op type (the "default" category when unlisted).
    int categoryOf(const QString& opType) const;
    int categoryIndex(const QString& name) const;
    const Category& category(int index) const { return m_categories[index]; }
    int categoryCount() const { return m_categories.size(); }
    int inputCategory() const { return m_input; }
    int outputCategory() const { return m_output; }
    /// Category of a collapsed name-scope group's box.
    int groupCategory() const { return m_group; }
    QColor stateColor(HighlightState state) const;
    /// Lower-case name of a state ("removed"); "" for None.
    static QString stateName(HighlightState state);

    QColor background;
    QFont titleFont;
    QFont rowFont;
    QFont rowLabelFont;
    QFont labelFont;
    double radius = 5;
    double paddingX = 8;
    double titleHeight = 21;
    double rowHeight = 15;
    double bodyPaddingY = 3;
    double minWidth = 36;
    QColor border;
    QColor body;
    QColor rowLabel;
    QColor rowText;
    QColor selection;
    QColor edgeColor;
    double edgeWidth = 1.0;
    double arrowLength = 7;
    double arrowWidth = 5;
    QColor edgeLabel;
    QColor stubFill;
    QColor stubBorder;
    QColor stubText;

private:
    QVector<Category> m_categories;
    QHash<QString, int> m_categoryOfOp;
    QHash<QString, int> m_categoryByName;
    QColor m_states[7];
    int m_default = 0;
    int m_input = 0;
    int m_output = 0;
    int m_group = 0;
};

} // namespace netfold
