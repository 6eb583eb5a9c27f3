#pragma once
// What netfold remembers between runs (QSettings, ~/.config/netfold/netfold.conf): window
// geometry, dock layout, splitter positions, the last directory, the simplify options applied
// and the highlight mode. MainWindow::restoreSettings() reads them, closing the window writes them.
#include <QString>

class QSettings;

namespace netfold {

class MainWindow;

/// Writes the window's geometry, dock state, named splitters and simplify/highlight choices.
void saveWindowSettings(const MainWindow& window, QSettings& settings);
/// Restores what saveWindowSettings() wrote; missing or unreadable entries keep the defaults.
void restoreWindowSettings(MainWindow& window, QSettings& settings);
/// Splitters back to their stretch factors (View > Reset Layout).
void resetSplitters(MainWindow& window);

/// The directory File > Open starts in: the last one a model was opened from (or "").
QString lastDirectory();
/// Remembers the directory of a file (or a directory) for lastDirectory().
void rememberDirectory(const QString& path);

} // namespace netfold
