// The browser -> data directory table for Windows. Each entry is relative to the user's profile
// directory: %LOCALAPPDATA% is <profile>\AppData\Local and %APPDATA% <profile>\AppData\Roaming
// unless folder redirection moved them (not followed: redirected AppData lives on a server).
// Chromium-family directories hold one subdirectory per profile ("Default", "Profile 1"...),
// Firefox directories hold profiles.ini.
//
// Sources (checked when the entry was added): Chromium's docs/user_data_dir.md (Chrome, Chrome
// Beta/Dev/SxS, Chromium), Microsoft Edge's enterprise documentation ("Microsoft/Edge/User
// Data"), Mozilla support ("Profiles - Where Firefox stores your bookmarks":
// %APPDATA%/Mozilla/Firefox/profiles.ini), and the tables of browser-forensics tools
// (browser_history, HackBrowserData, LaZagne, BrowsingHistoryView) for the domestic browsers:
// - 360 安全浏览器: %APPDATA%\360se6\User Data (its Chromium core keeps History there);
// - 360 极速浏览器: %LOCALAPPDATA%\360Chrome\Chrome\User Data (older: 360ChromeX\Chrome);
// - QQ 浏览器: %LOCALAPPDATA%\Tencent\QQBrowser\User Data;
// - 搜狗高速浏览器: %APPDATA%\SogouExplorer\Webkit (Chromium core, profiles below);
// - 2345 加速浏览器: %LOCALAPPDATA%\2345Explorer\User Data;
// - 猎豹安全浏览器: %LOCALAPPDATA%\liebao\User Data;
// - 奇安信可信浏览器: %LOCALAPPDATA%\QAXBrowser\User Data;
// - Brave, Vivaldi, Yandex, Opera (Opera keeps its single profile in the data directory itself
//   under %APPDATA%, so the parent is listed and "Opera Stable" is the profile).
#include "shouwei/platform/browsing/browser_table_win.hpp"

#include <array>

namespace shouwei::platform::browsing {
namespace {

using collectors::browsing::BrowserEngine;
using collectors::browsing::BrowserLocation;

constexpr BrowserEngine kChromium = BrowserEngine::chromium;
constexpr BrowserEngine kFirefox = BrowserEngine::firefox;

constexpr std::array kLocations = {
    BrowserLocation{"chrome", kChromium, "AppData/Local/Google/Chrome/User Data"},
    BrowserLocation{"chrome-beta", kChromium, "AppData/Local/Google/Chrome Beta/User Data"},
    BrowserLocation{"chrome-dev", kChromium, "AppData/Local/Google/Chrome Dev/User Data"},
    BrowserLocation{"chrome-canary", kChromium, "AppData/Local/Google/Chrome SxS/User Data"},
    BrowserLocation{"chromium", kChromium, "AppData/Local/Chromium/User Data"},
    BrowserLocation{"edge", kChromium, "AppData/Local/Microsoft/Edge/User Data"},
    BrowserLocation{"edge-beta", kChromium, "AppData/Local/Microsoft/Edge Beta/User Data"},
    BrowserLocation{"edge-dev", kChromium, "AppData/Local/Microsoft/Edge Dev/User Data"},
    BrowserLocation{"brave", kChromium, "AppData/Local/BraveSoftware/Brave-Browser/User Data"},
    BrowserLocation{"vivaldi", kChromium, "AppData/Local/Vivaldi/User Data"},
    BrowserLocation{"yandex", kChromium, "AppData/Local/Yandex/YandexBrowser/User Data"},
    BrowserLocation{"opera", kChromium, "AppData/Roaming/Opera Software"},
    BrowserLocation{"360se", kChromium, "AppData/Roaming/360se6/User Data"},
    BrowserLocation{"360chrome", kChromium, "AppData/Local/360Chrome/Chrome/User Data"},
    BrowserLocation{"360chrome", kChromium, "AppData/Local/360ChromeX/Chrome/User Data"},
    BrowserLocation{"qqbrowser", kChromium, "AppData/Local/Tencent/QQBrowser/User Data"},
    BrowserLocation{"sogou", kChromium, "AppData/Roaming/SogouExplorer/Webkit"},
    BrowserLocation{"2345explorer", kChromium, "AppData/Local/2345Explorer/User Data"},
    BrowserLocation{"liebao", kChromium, "AppData/Local/liebao/User Data"},
    BrowserLocation{"qaxbrowser", kChromium, "AppData/Local/QAXBrowser/User Data"},
    BrowserLocation{"firefox", kFirefox, "AppData/Roaming/Mozilla/Firefox"},
};

}  // namespace

std::span<const BrowserLocation> windows_browser_locations() {
  return kLocations;
}

}  // namespace shouwei::platform::browsing
