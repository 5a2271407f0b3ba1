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

using collectors::browsing::chromium_at;
using collectors::browsing::firefox_at;

constexpr std::array kLocations = {
    chromium_at("chrome", "AppData/Local/Google/Chrome/User Data"),
    chromium_at("chrome-beta", "AppData/Local/Google/Chrome Beta/User Data"),
    chromium_at("chrome-dev", "AppData/Local/Google/Chrome Dev/User Data"),
    chromium_at("chrome-canary", "AppData/Local/Google/Chrome SxS/User Data"),
    chromium_at("chromium", "AppData/Local/Chromium/User Data"),
    chromium_at("edge", "AppData/Local/Microsoft/Edge/User Data"),
    chromium_at("edge-beta", "AppData/Local/Microsoft/Edge Beta/User Data"),
    chromium_at("edge-dev", "AppData/Local/Microsoft/Edge Dev/User Data"),
    chromium_at("brave", "AppData/Local/BraveSoftware/Brave-Browser/User Data"),
    chromium_at("vivaldi", "AppData/Local/Vivaldi/User Data"),
    chromium_at("yandex", "AppData/Local/Yandex/YandexBrowser/User Data"),
    chromium_at("opera", "AppData/Roaming/Opera Software"),
    chromium_at("360se", "AppData/Roaming/360se6/User Data"),
    chromium_at("360chrome", "AppData/Local/360Chrome/Chrome/User Data"),
    chromium_at("360chrome", "AppData/Local/360ChromeX/Chrome/User Data"),
    chromium_at("qqbrowser", "AppData/Local/Tencent/QQBrowser/User Data"),
    chromium_at("sogou", "AppData/Roaming/SogouExplorer/Webkit"),
    chromium_at("2345explorer", "AppData/Local/2345Explorer/User Data"),
    chromium_at("liebao", "AppData/Local/liebao/User Data"),
    chromium_at("qaxbrowser", "AppData/Local/QAXBrowser/User Data"),
    firefox_at("firefox", "AppData/Roaming/Mozilla/Firefox"),
};

}  // namespace

std::span<const collectors::browsing::BrowserLocation> windows_browser_locations() {
  return kLocations;
}

}  // namespace shouwei::platform::browsing
