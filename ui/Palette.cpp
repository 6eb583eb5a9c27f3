#include "Palette.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace netfold {

bool isDarkPalette(const QPalette& palette) { return palette.color(QPalette::Window).lightness() < 128; }

ColorScheme parseColorScheme(const QString& text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("dark"))
        return ColorScheme::Dark;
    if (t == QLatin1String("light"))
        return ColorScheme::Light;
    return ColorScheme::Auto;
}

ColorScheme requestedColorScheme()
{
    const QString env = qEnvironmentVariable("NETFOLD_COLOR_SCHEME");
    if (!env.isEmpty())
        return parseColorScheme(env);
    return parseColorScheme(QSettings().value(QStringLiteral("appearance/colorScheme")).toString());
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    const QColor disabled(0x80, 0x82, 0x86);
    const QColor highlight(0x3d, 0x6e, 0xb4);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x51));
    p.setColor(QPalette::Midlight, QColor(0x3c, 0x3f, 0x43));
    p.setColor(QPalette::Mid, QColor(0x24, 0x25, 0x28));
    p.setColor(QPalette::Dark, QColor(0x19, 0x1a, 0x1c));
    p.setColor(QPalette::Shadow, QColor(0x0c, 0x0c, 0x0d));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xf0));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x4a, 0x4d, 0x51));
    return p;
}

bool applyColorScheme(QApplication& app, ColorScheme scheme)
{
    const bool platformDark = isDarkPalette(QApplication::palette());
    if (scheme == ColorScheme::Auto || (scheme == ColorScheme::Dark) == platformDark)
        return platformDark;
    // The platform style may draw with its own colours; Fusion draws with the palette.
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    app.setPalette(scheme == ColorScheme::Dark ? darkPalette() : QApplication::style()->standardPalette());
    return scheme == ColorScheme::Dark;
}

bool applicationIsDark() { return isDarkPalette(QApplication::palette()); }

QString themed(const char* light, const char* dark) { return QLatin1String(applicationIsDark() ? dark : light); }

} // namespace netfold
