#include "GraphStyle.h"

#include "Palette.h"

#include <QGuiApplication>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

// The resources live in the static netfold_ui library: register them explicitly, or the linker
// drops them. Q_INIT_RESOURCE must be used outside any namespace.
static void initResources() { Q_INIT_RESOURCE(netfold); }

namespace netfold {

namespace {

QColor colorOr(const QJsonObject& o, const char* key, const char* fallback)
{
    const QColor c(o.value(QLatin1String(key)).toString());
    return c.isValid() ? c : QColor(fallback);
}

double numberOr(const QJsonObject& o, const char* key, double fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() && v.toDouble() >= 0 ? v.toDouble() : fallback;
}

QFont pixelFont(const QString& family, double pixels, QFont::Weight weight)
{
    QFont f;
    if (!family.isEmpty())
        f.setFamily(family);
    f.setPixelSize(qMax(1, qRound(pixels)));
    f.setWeight(weight);
    f.setKerning(false);
    f.setHintingPreference(QFont::PreferNoHinting);
    return f;
}

} // namespace

const GraphStyle& GraphStyle::standard()
{
    const bool dark = qobject_cast<QGuiApplication*>(QCoreApplication::instance()) && applicationIsDark();
    return standard(dark);
}

const GraphStyle& GraphStyle::standard(bool dark)
{
    static const QByteArray json = [] {
        initResources();
        QFile f(QStringLiteral(":/style/graph-style.json"));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    static const GraphStyle light = fromJson(json);
    static const GraphStyle darkStyle = fromJson(json, nullptr, true);
    return dark ? darkStyle : light;
}

namespace {

/// `base` with `over`'s members put in, objects merged member by member (arrays and values replaced).
QJsonObject merged(QJsonObject base, const QJsonObject& over)
{
    for (auto it = over.begin(); it != over.end(); ++it) {
        const QJsonValue old = base.value(it.key());
        const QJsonValue value = it.value();
        base.insert(it.key(), old.isObject() && value.isObject() ? QJsonValue(merged(old.toObject(), value.toObject()))
                                                                 : value);
    }
    return base;
}

} // namespace

GraphStyle GraphStyle::fromJson(const QByteArray& json, QString* error, bool dark)
{
    GraphStyle s;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (error)
        *error = doc.isObject() ? QString() : QStringLiteral("Style file is not a JSON object: %1.").arg(parseError.errorString());
    QJsonObject root = doc.object();
    if (dark)
        root = merged(root, root.value(QLatin1String("dark")).toObject());
    const QJsonObject font = root.value(QLatin1String("font")).toObject();
    const QJsonObject node = root.value(QLatin1String("node")).toObject();
    const QJsonObject edge = root.value(QLatin1String("edge")).toObject();
    const QJsonObject stub = root.value(QLatin1String("stub")).toObject();
    const QJsonObject states = root.value(QLatin1String("states")).toObject();

    s.background = colorOr(root, "background", "#ffffff");
    const QString family = font.value(QLatin1String("family")).toString();
    s.titleFont = pixelFont(family, numberOr(font, "titlePixelSize", 11), QFont::DemiBold);
    s.rowFont = pixelFont(family, numberOr(font, "rowPixelSize", 10), QFont::Normal);
    s.rowLabelFont = pixelFont(family, numberOr(font, "rowPixelSize", 10), QFont::DemiBold);
    s.labelFont = pixelFont(family, numberOr(font, "labelPixelSize", 9), QFont::Normal);
    s.radius = numberOr(node, "radius", 5);
    s.paddingX = numberOr(node, "paddingX", 8);
    s.titleHeight = numberOr(node, "titleHeight", 21);
    s.rowHeight = numberOr(node, "rowHeight", 15);
    s.bodyPaddingY = numberOr(node, "bodyPaddingY", 3);
    s.minWidth = numberOr(node, "minWidth", 36);
    s.border = colorOr(node, "border", "#333333");
    s.body = colorOr(node, "body", "#ffffff");
    s.rowLabel = colorOr(node, "rowLabel", "#000000");
    s.rowText = colorOr(node, "rowText", "#555555");
    s.selection = colorOr(node, "selection", "#ff7f0e");
    s.edgeColor = colorOr(edge, "color", "#4d4d4d");
    s.edgeWidth = numberOr(edge, "width", 1.0);
    s.arrowLength = numberOr(edge, "arrowLength", 7);
    s.arrowWidth = numberOr(edge, "arrowWidth", 5);
    s.edgeLabel = colorOr(edge, "label", "#666666");
    s.stubFill = colorOr(stub, "fill", "#fff6d5");
    s.stubBorder = colorOr(stub, "border", "#b08a2e");
    s.stubText = colorOr(stub, "text", "#5c4a1a");

    const QJsonObject cats = root.value(QLatin1String("categories")).toObject();
    for (auto it = cats.begin(); it != cats.end(); ++it) {
        const QJsonObject c = it.value().toObject();
        const int index = s.m_categories.size();
        s.m_categories.push_back({it.key(), colorOr(c, "title", "#1a1a1a"), colorOr(c, "text", "#ffffff")});
        s.m_categoryByName.insert(it.key(), index);
        for (const QJsonValue op : c.value(QLatin1String("ops")).toArray())
            s.m_categoryOfOp.insert(op.toString(), index);
    }
    auto ensure = [&s](const char* name, const char* title, const char* text) {
        const QString key = QLatin1String(name);
        if (!s.m_categoryByName.contains(key)) {
            s.m_categoryByName.insert(key, s.m_categories.size());
            s.m_categories.push_back({key, QColor(title), QColor(text)});
        }
        return s.m_categoryByName.value(key);
    };
    s.m_default = ensure("default", "#1a1a1a", "#ffffff");
    s.m_input = ensure("input", "#f0f0f0", "#000000");
    s.m_output = ensure("output", "#f0f0f0", "#000000");
    s.m_group = ensure("group", "#d7e3f4", "#1b2b45");

    s.m_states[int(HighlightState::None)] = QColor();
    s.m_states[int(HighlightState::Removed)] = colorOr(states, "removed", "#d62728");
    s.m_states[int(HighlightState::Folded)] = colorOr(states, "folded", "#ff9f1c");
    s.m_states[int(HighlightState::Fused)] = colorOr(states, "fused", "#9467bd");
    s.m_states[int(HighlightState::Added)] = colorOr(states, "added", "#2ca02c");
    s.m_states[int(HighlightState::Changed)] = colorOr(states, "changed", "#1f77b4");
    s.m_states[int(HighlightState::Moved)] = colorOr(states, "moved", "#9aa3ad");
    return s;
}

int GraphStyle::categoryOf(const QString& opType) const { return m_categoryOfOp.value(opType, m_default); }

int GraphStyle::categoryIndex(const QString& name) const { return m_categoryByName.value(name, m_default); }

QColor GraphStyle::stateColor(HighlightState state) const { return m_states[int(state)]; }

QString GraphStyle::stateName(HighlightState state)
{
    switch (state) {
    case HighlightState::None:
        return {};
    case HighlightState::Removed:
        return QStringLiteral("removed");
    case HighlightState::Folded:
        return QStringLiteral("folded");
    case HighlightState::Fused:
        return QStringLiteral("fused");
    case HighlightState::Added:
        return QStringLiteral("added");
    case HighlightState::Changed:
        return QStringLiteral("changed");
    case HighlightState::Moved:
        return QStringLiteral("moved");
    }
    return {};
}

} // namespace netfold
