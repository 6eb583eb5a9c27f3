#pragma once
// Light or dark: netfold follows the desktop's colour scheme. Qt 6.4 (Debian 12) has no
// QStyleHints::colorScheme (6.5+), so the scheme is read from the platform palette: a dark
// window colour means a dark desktop. NETFOLD_COLOR_SCHEME=dark|light, or the setting
// "appearance/colorScheme" (dark, light or auto), overrides it.
#include <QPalette>
#include <QString>

class QApplication;

namespace netfold {

enum class ColorScheme { Auto, Light, Dark };

/// True when a palette's window colour is dark (lightness below the middle).
bool isDarkPalette(const QPalette& palette);
/// "dark", "light" or "auto" (anything else) as a ColorScheme.
ColorScheme parseColorScheme(const QString& text);
/// The scheme asked for: NETFOLD_COLOR_SCHEME, else the setting, else Auto.
ColorScheme requestedColorScheme();
/// netfold's dark palette (for the Fusion style).
QPalette darkPalette();
/// Applies the requested scheme to the application: Auto keeps the platform's palette; Dark or
/// Light on a platform of the other kind switches to the Fusion style with netfold's palette.
/// Returns whether the application is now dark (the graph style follows, see GraphStyle).
bool applyColorScheme(QApplication& app, ColorScheme scheme);
/// Whether the application's palette is dark now.
bool applicationIsDark();
/// `light` or `dark` (colour names for style sheets) by applicationIsDark().
QString themed(const char* light, const char* dark);

} // namespace netfold
