/*
 * The view side of the MCP Apps bridge (io.modelcontextprotocol/ui, SEP-1865, protocol 2026-01-26):
 * JSON-RPC 2.0 over postMessage between a view in a sandboxed iframe and its host. Generic: any flowtly-mcp view
 * (the approval view, a receivables chart) uses it the same way:
 *
 *   const bridge = new McpAppBridge({ name: "flowtly-approval", version: "1" });
 *   bridge.onToolResult((result) => render(result));      // ui/notifications/tool-result (a CallToolResult)
 *   await bridge.connect();                               // ui/initialize, then ui/notifications/initialized
 *   const result = await bridge.callTool("some_tool", {}); // tools/call, proxied by the host to our server
 *
 * No dependencies, no network: the host is the only peer, and only messages from the parent window are read.
 */
(function (global) {
  "use strict";

  var PROTOCOL_VERSION = "2026-01-26";
  var REQUEST_TIMEOUT_MS = 30000;

  function McpAppBridge(appInfo, options) {
    this.appInfo = appInfo;
    this.host = (options && options.host) || global.parent;
    this.nextId = 1;
    this.pending = {};
    this.handlers = {};
    this.hostContext = null;
    this.hostCapabilities = null;
    var self = this;
    global.addEventListener("message", function (event) {
      self._receive(event);
    });
    // A host may ask the view to clean up before removing it; nothing to clean, so just acknowledge.
    this.onRequest("ui/resource-teardown", function () {
      return {};
    });
  }

  McpAppBridge.prototype._send = function (message) {
    // The view's own origin is opaque (sandboxed iframe), and the host's is not known to it: target "*",
    // and accept replies only from the parent window (see _receive).
    this.host.postMessage(message, "*");
  };

  McpAppBridge.prototype._receive = function (event) {
    if (event.source !== this.host) return;
    var message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined && message.id !== undefined) {
      var waiter = this.pending[message.id];
      if (!waiter) return;
      delete this.pending[message.id];
      clearTimeout(waiter.timer);
      if (message.error) waiter.reject(new Error(message.error.message || "request failed"));
      else waiter.resolve(message.result);
      return;
    }
    var handler = this.handlers[message.method];
    if (message.id === undefined) {
      if (handler) handler(message.params || {});
      return;
    }
    var self = this;
    if (!handler) {
      this._send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } });
      return;
    }
    Promise.resolve()
      .then(function () {
        return handler(message.params || {});
      })
      .then(
        function (result) {
          self._send({ jsonrpc: "2.0", id: message.id, result: result || {} });
        },
        function (error) {
          self._send({ jsonrpc: "2.0", id: message.id, error: { code: -32603, message: String(error) } });
        }
      );
  };

  /** Send a JSON-RPC request to the host; resolves with its result, rejects on an error or after 30 s. */
  McpAppBridge.prototype.request = function (method, params) {
    var self = this;
    var id = this.nextId++;
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        delete self.pending[id];
        reject(new Error(method + " timed out"));
      }, REQUEST_TIMEOUT_MS);
      self.pending[id] = { resolve: resolve, reject: reject, timer: timer };
      self._send({ jsonrpc: "2.0", id: id, method: method, params: params || {} });
    });
  };

  McpAppBridge.prototype.notify = function (method, params) {
    this._send({ jsonrpc: "2.0", method: method, params: params || {} });
  };

  /** Handle a notification from the host (e.g. "ui/notifications/tool-input"). */
  McpAppBridge.prototype.on = function (method, handler) {
    this.handlers[method] = handler;
  };

  /** Answer a request from the host; the handler's return value (or promise) is the result. */
  McpAppBridge.prototype.onRequest = McpAppBridge.prototype.on;

  McpAppBridge.prototype.onToolResult = function (handler) {
    this.on("ui/notifications/tool-result", handler);
  };

  McpAppBridge.prototype.onToolInput = function (handler) {
    this.on("ui/notifications/tool-input", handler);
  };

  McpAppBridge.prototype.onHostContextChanged = function (handler) {
    var self = this;
    this.on("ui/notifications/host-context-changed", function (params) {
      self.hostContext = Object.assign({}, self.hostContext || {}, params);
      handler(self.hostContext);
    });
  };

  /** The handshake: ui/initialize, then ui/notifications/initialized. Register handlers before calling it. */
  McpAppBridge.prototype.connect = function () {
    var self = this;
    return this.request("ui/initialize", {
      appInfo: this.appInfo,
      appCapabilities: {},
      protocolVersion: PROTOCOL_VERSION,
    }).then(function (result) {
      self.hostContext = result.hostContext || {};
      self.hostCapabilities = result.hostCapabilities || {};
      self.notify("ui/notifications/initialized", {});
      self.sendSizeChanged();
      return result;
    });
  };

  /** Call one of our server's tools through the host; resolves with the CallToolResult. */
  McpAppBridge.prototype.callTool = function (name, args) {
    return this.request("tools/call", { name: name, arguments: args || {} });
  };

  McpAppBridge.prototype.sendSizeChanged = function () {
    // The root element's own box, not its scroll size: that one grows with the frame, so a host that fits the
    // frame to the reported height would be told a larger one each time.
    var root = global.document.documentElement;
    var height = Math.ceil(root.getBoundingClientRect().height);
    this.notify("ui/notifications/size-changed", { width: root.scrollWidth, height: height });
  };

  global.McpAppBridge = McpAppBridge;
})(window);
