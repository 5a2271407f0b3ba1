// The browser -> data directory table for Linux. Each entry is relative to the user's home.
// Chromium-family directories hold one subdirectory per profile ("Default", "Profile 1"...),
// Firefox directories hold profiles.ini.
//
// Sources (checked when the entry was added):
// - Google Chrome, Chromium, Microsoft Edge, Brave, Vivaldi, Opera, Yandex: each vendor's Linux
//   packages use ~/.config/<name> as the default user-data directory (Chromium's
//   docs/user_data_dir.md; the same paths are in browser_history (Python), LaZagne and
//   HackBrowserData's Linux tables).
// - 360 安全浏览器 (browser360-cn-stable for UOS/Kylin/deepin): ~/.config/browser360, older
//   builds ~/.config/360browser and ~/.config/360chrome (domestic-Linux browser import tools).
// - 奇安信可信浏览器 (qaxbrowser, preinstalled on Kylin/UOS): ~/.config/qaxbrowser (Kylin
//   native-messaging setup scripts and cleanup tools).
// - QQ 浏览器 Linux (qqbrowser-stable): ~/.config/qqbrowser; 搜狗浏览器: ~/.config/sogouexplorer.
// - The UOS / deepin browser (org.deepin.browser, "浏览器"): ~/.config/browser, profile
//   "Default" (deepin data-transfer tool writes ~/.config/browser/Default/...).
// - 龙芯浏览器 (Loongnix): ~/.config/cn.loongnix.lbrowser.
// - Snap and Flatpak packages keep the same layout under ~/snap/<app>/common and
//   ~/.var/app/<id>/config.
// - Firefox: ~/.mozilla/firefox (the traditional location) and ~/.config/mozilla/firefox (the
//   XDG location newer releases use for new installs), each with profiles.ini
//   (support.mozilla.org "Profiles - Where Firefox stores your bookmarks...").
#include "shouwei/platform/browsing/browser_table_linux.hpp"

#include <array>

namespace shouwei::platform::browsing {
namespace {

using collectors::browsing::chromium_at;
using collectors::browsing::firefox_at;

constexpr std::array kLocations = {
    chromium_at("chrome", ".config/google-chrome"),
    chromium_at("chrome-beta", ".config/google-chrome-beta"),
    chromium_at("chrome-unstable", ".config/google-chrome-unstable"),
    chromium_at("chromium", ".config/chromium"),
    chromium_at("chromium", "snap/chromium/common/chromium"),
    chromium_at("edge", ".config/microsoft-edge"),
    chromium_at("edge-beta", ".config/microsoft-edge-beta"),
    chromium_at("edge-dev", ".config/microsoft-edge-dev"),
    chromium_at("brave", ".config/BraveSoftware/Brave-Browser"),
    chromium_at("vivaldi", ".config/vivaldi"),
    chromium_at("opera", ".config/opera"),
    chromium_at("yandex", ".config/yandex-browser"),
    chromium_at("360browser", ".config/browser360"),
    chromium_at("360browser", ".config/360browser"),
    chromium_at("360browser", ".config/360chrome"),
    chromium_at("qaxbrowser", ".config/qaxbrowser"),
    chromium_at("qqbrowser", ".config/qqbrowser"),
    chromium_at("sogou", ".config/sogouexplorer"),
    chromium_at("uos-browser", ".config/browser"),
    chromium_at("loongson-browser", ".config/cn.loongnix.lbrowser"),
    chromium_at("chrome", ".var/app/com.google.Chrome/config/google-chrome"),
    chromium_at("chromium", ".var/app/org.chromium.Chromium/config/chromium"),
    chromium_at("edge", ".var/app/com.microsoft.Edge/config/microsoft-edge"),
    firefox_at("firefox", ".mozilla/firefox"),
    firefox_at("firefox", ".config/mozilla/firefox"),
    firefox_at("firefox", "snap/firefox/common/.mozilla/firefox"),
    firefox_at("firefox", ".var/app/org.mozilla.firefox/.mozilla/firefox"),
};

}  // namespace

std::span<const collectors::browsing::BrowserLocation> linux_browser_locations() {
  return kLocations;
}

}  // namespace shouwei::platform::browsing
