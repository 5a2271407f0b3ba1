// config.js: the deferred custom action WriteConfig of shouwei-agent.wxs (JScript, run by the
// Windows Installer as SYSTEM). It is the Windows counterpart of
// packaging/linux/agent/configure-agent and follows the same rules:
//
// CustomActionData (tab-separated): ProgramData folder, SERVER_URL, ENROLL_SECRET, ZONE, CA,
// POLICY_KEY, MEDIA_KEY. CA and keys: the path of a PEM file or the PEM text with literal \n
// between its lines.
//
// Contract: every answer is validated before anything is written; a bad one fails the
// installation (the Installer rolls back) with one line naming it in the log. Then
// <ProgramData>\Shouwei is restricted to SYSTEM and Administrators (icacls; the agent.toml
// written there holds the enrollment secret) and agent.toml, server-ca.pem, policy.pub and
// media.pub are written there, each through a temporary file. Relative paths in agent.toml
// are resolved by the agent against its directory.

var SUCCESS = 1;
var FAILURE = 3;

function log(message) {
  try {
    var record = Session.Installer.CreateRecord(0);
    record.StringData(0) = "shouwei-agent: " + message;
    Session.Message(0x04000000, record);  // msiMessageTypeInfo
  } catch (e) {
    // Logging is best effort; the return value carries the outcome.
  }
}

function BadAnswer(message) {
  this.message = message;
}

function pemOf(fso, name, value) {
  var text;
  if (value.indexOf("-----BEGIN") === 0) {
    text = value.replace(/\\n/g, "\n");
  } else if (/^([A-Za-z]:\\|\\\\)/.test(value)) {
    if (!fso.FileExists(value)) throw new BadAnswer(name + ": cannot read " + value);
    var stream = fso.OpenTextFile(value, 1);
    text = stream.AtEndOfStream ? "" : stream.ReadAll();
    stream.Close();
  } else {
    throw new BadAnswer(name + ": expected an absolute path or PEM text");
  }
  text = text.replace(/\r\n/g, "\n");
  if (!/^-----BEGIN /m.test(text)) throw new BadAnswer(name + ": no PEM block in " + value);
  if (!/^-----END /m.test(text)) throw new BadAnswer(name + ": PEM block without its END line");
  if (text.charAt(text.length - 1) !== "\n") text += "\n";
  return text;
}

function tomlString(value) {
  return '"' + value.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

// Writes path through path.new, so a reader never sees half a file.
function writeFile(fso, path, text) {
  var temporary = path + ".new";
  var stream = fso.CreateTextFile(temporary, true, false);
  stream.Write(text);
  stream.Close();
  if (fso.FileExists(path)) fso.DeleteFile(path, true);
  fso.MoveFile(temporary, path);
}

function writeConfig() {
  try {
    var fields = Session.Property("CustomActionData").split("\t");
    var programData = fields[0], url = fields[1] || "", secret = fields[2] || "";
    var zone = fields[3] || "intranet", ca = fields[4] || "", policyKey = fields[5] || "";
    var mediaKey = fields[6] || "";

    if (!/^https:\/\/[\]\[A-Za-z0-9.:@_~%\/-]+$/.test(url)) {
      throw new BadAnswer("SERVER_URL: '" + url + "' is not an https:// URL");
    }
    if (zone !== "intranet" && zone !== "extranet" && zone !== "internet") {
      throw new BadAnswer("ZONE: '" + zone + "' is not intranet, extranet or internet");
    }
    if (!/^[\x21-\x7e]*$/.test(secret)) {
      throw new BadAnswer("ENROLL_SECRET: must be printable, without spaces");
    }
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var files = [];
    if (ca) files.push(["server-ca.pem", pemOf(fso, "CA", ca)]);
    if (policyKey) files.push(["policy.pub", pemOf(fso, "POLICY_KEY", policyKey)]);
    if (mediaKey) files.push(["media.pub", pemOf(fso, "MEDIA_KEY", mediaKey)]);

    var dir = programData.replace(/\\$/, "") + "\\Shouwei";
    if (!fso.FolderExists(dir)) fso.CreateFolder(dir);
    // SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, inherited by what is inside.
    var shell = new ActiveXObject("WScript.Shell");
    var rc = shell.Run('icacls "' + dir + '" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F ' +
                       '*S-1-5-32-544:(OI)(CI)F', 0, true);
    if (rc !== 0) throw new BadAnswer("icacls " + dir + ": exit " + rc);

    var toml = "# Shouwei agent configuration, written by the installer (shouwei-agent.msi).\n" +
               "# Keys: README.md \"Agent configuration\". Relative paths are relative to this file.\n" +
               "state_dir = \"state\"\n" +
               "zone = " + tomlString(zone) + "\n" +
               "log_level = \"info\"\n";
    for (var i = 0; i < files.length; ++i) {
      writeFile(fso, dir + "\\" + files[i][0], files[i][1]);
      if (files[i][0] === "policy.pub") toml += "policy_public_key = \"policy.pub\"\n";
      if (files[i][0] === "media.pub") toml += "media_public_key = \"media.pub\"\n";
    }
    toml += "\n[server]\nurl = " + tomlString(url) + "\n";
    if (ca) toml += "ca_file = \"server-ca.pem\"\n";
    if (secret) toml += "enroll_secret = " + tomlString(secret) + "\n";
    writeFile(fso, dir + "\\agent.toml", toml);
    log("wrote " + dir + "\\agent.toml");
    return SUCCESS;
  } catch (e) {
    log(e instanceof BadAnswer ? e.message : "WriteConfig: " + e.message);
    return FAILURE;
  }
}
