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

using collectors::browsing::BrowserEngine;
using collectors::browsing::BrowserLocation;

constexpr BrowserEngine kChromium = BrowserEngine::chromium;
constexpr BrowserEngine kFirefox = BrowserEngine::firefox;

constexpr std::array kLocations = {
    BrowserLocation{"chrome", kChromium, ".config/google-chrome"},
    BrowserLocation{"chrome-beta", kChromium, ".config/google-chrome-beta"},
    BrowserLocation{"chrome-unstable", kChromium, ".config/google-chrome-unstable"},
    BrowserLocation{"chromium", kChromium, ".config/chromium"},
    BrowserLocation{"chromium", kChromium, "snap/chromium/common/chromium"},
    BrowserLocation{"edge", kChromium, ".config/microsoft-edge"},
    BrowserLocation{"edge-beta", kChromium, ".config/microsoft-edge-beta"},
    BrowserLocation{"edge-dev", kChromium, ".config/microsoft-edge-dev"},
    BrowserLocation{"brave", kChromium, ".config/BraveSoftware/Brave-Browser"},
    BrowserLocation{"vivaldi", kChromium, ".config/vivaldi"},
    BrowserLocation{"opera", kChromium, ".config/opera"},
    BrowserLocation{"yandex", kChromium, ".config/yandex-browser"},
    BrowserLocation{"360browser", kChromium, ".config/browser360"},
    BrowserLocation{"360browser", kChromium, ".config/360browser"},
    BrowserLocation{"360browser", kChromium, ".config/360chrome"},
    BrowserLocation{"qaxbrowser", kChromium, ".config/qaxbrowser"},
    BrowserLocation{"qqbrowser", kChromium, ".config/qqbrowser"},
    BrowserLocation{"sogou", kChromium, ".config/sogouexplorer"},
    BrowserLocation{"uos-browser", kChromium, ".config/browser"},
    BrowserLocation{"loongson-browser", kChromium, ".config/cn.loongnix.lbrowser"},
    BrowserLocation{"chrome", kChromium, ".var/app/com.google.Chrome/config/google-chrome"},
    BrowserLocation{"chromium", kChromium, ".var/app/org.chromium.Chromium/config/chromium"},
    BrowserLocation{"edge", kChromium, ".var/app/com.microsoft.Edge/config/microsoft-edge"},
    BrowserLocation{"firefox", kFirefox, ".mozilla/firefox"},
    BrowserLocation{"firefox", kFirefox, ".config/mozilla/firefox"},
    BrowserLocation{"firefox", kFirefox, "snap/firefox/common/.mozilla/firefox"},
    BrowserLocation{"firefox", kFirefox, ".var/app/org.mozilla.firefox/.mozilla/firefox"},
};

}  // namespace

std::span<const BrowserLocation> linux_browser_locations() {
  return kLocations;
}

}  // namespace shouwei::platform::browsing
