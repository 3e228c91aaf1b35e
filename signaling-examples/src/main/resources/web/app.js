// WebRTC chat over the signaling server: plain JavaScript, no build step.
//
// The server only introduces the peers: the offer, the answer and the ICE candidates travel as
// `signal` messages (payload {kind: "description", description} or {kind: "candidate",
// candidate}); the chat itself goes over an RTCDataChannel, peer to peer.
//
// Query parameters:
//   signaling=ws://host:port   the signaling server (default: this page's host and the port the
//                              page server names in config.json)
//   candidates=loopback|all    which ICE candidates to send and accept (default loopback: only
//                              127.0.0.0/8 and ::1, so that nothing leaves the machine; "all" for
//                              two machines on a real network)
//   name=Alice                 fills in the name field
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const candidatePolicy = params.get('candidates') === 'all' ? 'all' : 'loopback';

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $('status'),
    joinForm: $('join-form'),
    name: $('name'),
    join: $('join'),
    leaveServer: $('leave-server'),
    signalingUrl: $('signaling-url'),
    participants: $('participants'),
    chatTitle: $('chat-title'),
    chatPeer: $('chat-peer'),
    messages: $('messages'),
    sendForm: $('send-form'),
    message: $('message'),
    send: $('send'),
    hint: $('hint'),
    candidatePolicy: $('candidate-policy'),
  };

  /** This page's node: a random id, so that two tabs never collide. */
  const me = { nodeId: randomId(), username: null };
  let socket = null;
  let signalingUrl = null;
  let participants = [];
  /** nodeId -> peer: {nodeId, username, pc, channel, state, log, unread, work, pendingCandidates} */
  const peers = new Map();
  let activePeer = null;

  ui.candidatePolicy.textContent = candidatePolicy;
  if (params.get('name')) {
    ui.name.value = params.get('name');
  }

  resolveSignalingUrl().then((url) => {
    signalingUrl = url;
    ui.signalingUrl.textContent = url;
  }).catch((e) => showHint('No signaling server address: ' + e.message));

  ui.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = ui.name.value.trim();
    if (name && signalingUrl) {
      join(name);
    }
  });

  ui.leaveServer.addEventListener('click', () => {
    // The data channels stay open: they never needed the server once connected.
    if (socket) {
      socket.close(1000, 'left');
    }
  });

  ui.sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.message.value;
    const peer = activePeer && peers.get(activePeer);
    if (!text || !peer || !peer.channel || peer.channel.readyState !== 'open') {
      return;
    }
    peer.channel.send(text);
    addMessage(peer, 'mine', me.username, text);
    ui.message.value = '';
    ui.message.focus();
  });

  // ---------------------------------------------------------------- signaling

  async function resolveSignalingUrl() {
    if (params.get('signaling')) {
      return params.get('signaling');
    }
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) {
      throw new Error('config.json answered ' + response.status);
    }
    const config = await response.json();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return scheme + '://' + location.hostname + ':' + config.signalingPort + (config.signalingPath || '/');
  }

  function join(name) {
    me.username = name;
    setStatus('connecting', 'Connecting…');
    ui.join.disabled = true;
    ui.name.disabled = true;
    socket = new WebSocket(signalingUrl);
    socket.addEventListener('open', () => {
      send({ type: 'register', nodeId: me.nodeId, username: me.username });
      setStatus('online', 'Online as ' + me.username);
      document.body.dataset.nodeId = me.nodeId;
      ui.leaveServer.hidden = false;
    });
    socket.addEventListener('message', (event) => onServerMessage(event.data));
    socket.addEventListener('close', () => {
      socket = null;
      participants = [];
      setStatus('offline', 'Disconnected from the signaling server' + (hasOpenChannel() ? ' (data channels stay open)' : ''));
      ui.leaveServer.hidden = true;
      ui.join.disabled = false; // joining again registers the same nodeId
      ui.name.disabled = false;
      renderParticipants();
    });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function sendSignal(to, payload) {
    return send({ type: 'signal', from: me.nodeId, to, payload });
  }

  function onServerMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    switch (message.type) {
      case 'participants':
        participants = Array.isArray(message.participants) ? message.participants : [];
        for (const p of participants) {
          if (peers.has(p.nodeId)) {
            peers.get(p.nodeId).username = p.username;
          }
        }
        renderParticipants();
        break;
      case 'signal':
        if (typeof message.from === 'string' && message.payload) {
          onSignal(message.from, message.payload);
        }
        break;
      case 'error':
        showHint('Server: ' + message.error + (message.to ? ' (' + message.to + ')' : ''));
        break;
      default:
        // presence, heartbeat, role-assign: the participants list already says who is here.
        break;
    }
  }

  // ---------------------------------------------------------------- WebRTC

  function peerFor(nodeId) {
    let peer = peers.get(nodeId);
    if (!peer) {
      const known = participants.find((p) => p.nodeId === nodeId);
      peer = {
        nodeId,
        username: known ? known.username : nodeId,
        pc: null,
        channel: null,
        state: 'new',
        log: [],
        unread: 0,
        work: Promise.resolve(),
        pendingCandidates: [],
        makingOffer: false,
      };
      peers.set(nodeId, peer);
    }
    return peer;
  }

  /** Runs the peer's signaling steps one after another: each awaits the browser. */
  function enqueue(peer, step) {
    peer.work = peer.work.then(step).catch((e) => {
      console.error(e);
      addSystem(peer, 'WebRTC error: ' + e.message);
    });
  }

  function newPeerConnection(peer) {
    const pc = new RTCPeerConnection({ iceServers: [] }); // no STUN/TURN: host candidates only
    peer.pc = pc;
    peer.pendingCandidates = [];
    let forwarded = 0;
    let dropped = 0;
    pc.addEventListener('icecandidate', (event) => {
      const candidate = event.candidate;
      if (!candidate || !candidate.candidate) {
        return; // end of gathering
      }
      if (!candidateAllowed(candidate.candidate)) {
        dropped++;
        return;
      }
      forwarded++;
      sendSignal(peer.nodeId, { kind: 'candidate', candidate: candidate.toJSON() });
    });
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete' && forwarded === 0) {
        showHint('No ICE candidate passed the "' + candidatePolicy + '" policy (' + dropped
          + ' dropped). A normal browser gathers no loopback candidates: open the page with '
          + '?candidates=all, or start Chromium with --allow-loopback-in-peer-connection.');
      }
    });
    pc.addEventListener('connectionstatechange', () => {
      if (peer.pc === pc && (pc.connectionState === 'failed' || pc.connectionState === 'closed')) {
        setPeerState(peer, pc.connectionState);
      }
    });
    pc.addEventListener('datachannel', (event) => attachChannel(peer, event.channel));
    return pc;
  }

  function attachChannel(peer, channel) {
    peer.channel = channel;
    channel.addEventListener('open', () => {
      setPeerState(peer, 'open');
      addSystem(peer, 'Data channel open: messages now go straight to ' + peer.username + '.');
      if (!activePeer) {
        selectPeer(peer.nodeId);
      }
      refreshComposer();
    });
    channel.addEventListener('message', (event) => {
      addMessage(peer, 'theirs', peer.username, String(event.data));
    });
    channel.addEventListener('close', () => {
      if (peer.channel === channel) {
        setPeerState(peer, 'closed');
        addSystem(peer, 'Data channel closed.');
        refreshComposer();
      }
    });
  }

  /** The "Connect" button: this page makes the offer. */
  function connect(nodeId) {
    const peer = peerFor(nodeId);
    selectPeer(nodeId);
    enqueue(peer, async () => {
      closePeerConnection(peer);
      const pc = newPeerConnection(peer);
      attachChannel(peer, pc.createDataChannel('chat'));
      setPeerState(peer, 'connecting');
      addSystem(peer, 'Sending an offer to ' + peer.username + ' through the signaling server…');
      peer.makingOffer = true;
      try {
        await pc.setLocalDescription(await pc.createOffer());
      } finally {
        peer.makingOffer = false;
      }
      sendSignal(nodeId, { kind: 'description', description: descriptionToSend(pc.localDescription) });
    });
  }

  function onSignal(from, payload) {
    const peer = peerFor(from);
    if (payload.kind === 'description' && payload.description) {
      enqueue(peer, () => onDescription(peer, payload.description));
    } else if (payload.kind === 'candidate' && payload.candidate) {
      enqueue(peer, () => onCandidate(peer, payload.candidate));
    }
  }

  async function onDescription(peer, description) {
    const sdp = filterSdp(String(description.sdp || ''));
    if (description.type === 'offer') {
      const pc = peer.pc;
      const glare = pc && (peer.makingOffer || pc.signalingState !== 'stable');
      // Both pressed Connect at once: the page with the smaller nodeId yields, the other
      // ignores the incoming offer and waits for the answer to its own.
      if (glare && me.nodeId > peer.nodeId) {
        return;
      }
      closePeerConnection(peer);
      const answerer = newPeerConnection(peer);
      setPeerState(peer, 'connecting');
      addSystem(peer, peer.username + ' offers a connection; answering…');
      await answerer.setRemoteDescription({ type: 'offer', sdp });
      await flushCandidates(peer);
      await answerer.setLocalDescription(await answerer.createAnswer());
      sendSignal(peer.nodeId, { kind: 'description', description: descriptionToSend(answerer.localDescription) });
    } else if (description.type === 'answer') {
      if (peer.pc && peer.pc.signalingState === 'have-local-offer') {
        await peer.pc.setRemoteDescription({ type: 'answer', sdp });
        await flushCandidates(peer);
      }
    }
  }

  async function onCandidate(peer, candidate) {
    if (!candidateAllowed(String(candidate.candidate || ''))) {
      return; // never try an address the policy excludes, whatever the other page sent
    }
    if (peer.pc && peer.pc.remoteDescription) {
      await addCandidate(peer.pc, candidate);
    } else {
      peer.pendingCandidates.push(candidate);
    }
  }

  async function flushCandidates(peer) {
    const pending = peer.pendingCandidates;
    peer.pendingCandidates = [];
    for (const candidate of pending) {
      await addCandidate(peer.pc, candidate);
    }
  }

  async function addCandidate(pc, candidate) {
    try {
      await pc.addIceCandidate(candidate);
    } catch (e) {
      // A candidate of a connection attempt that was replaced (both pressed Connect): harmless.
      console.warn('ICE candidate not added', e);
    }
  }

  function closePeerConnection(peer) {
    if (peer.pc) {
      const old = peer.pc;
      peer.pc = null;
      peer.channel = null;
      old.close();
    }
  }

  function descriptionToSend(description) {
    return { type: description.type, sdp: filterSdp(description.sdp) };
  }

  /** Drops candidate lines the policy excludes (trickle ICE usually leaves none in the SDP). */
  function filterSdp(sdp) {
    return sdp.split('\r\n')
      .filter((line) => !line.startsWith('a=candidate:') || candidateAllowed(line.slice(2)))
      .join('\r\n');
  }

  /**
   * Whether an ICE candidate may be used: with the loopback policy only 127.0.0.0/8 and ::1, so
   * that no connectivity check ever leaves the machine.
   */
  function candidateAllowed(candidateLine) {
    if (candidatePolicy === 'all') {
      return true;
    }
    // candidate:<foundation> <component> <protocol> <priority> <address> <port> typ <type> ...
    const fields = candidateLine.replace(/^candidate:/, '').trim().split(/\s+/);
    const address = (fields[4] || '').replace(/^\[|\]$/g, '');
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1';
  }

  // ---------------------------------------------------------------- rendering

  function setStatus(state, text) {
    ui.status.dataset.state = state;
    ui.status.textContent = text;
  }

  function showHint(text) {
    ui.hint.hidden = false;
    ui.hint.textContent = text;
  }

  function setPeerState(peer, state) {
    peer.state = state;
    renderParticipants();
  }

  function hasOpenChannel() {
    for (const peer of peers.values()) {
      if (peer.channel && peer.channel.readyState === 'open') {
        return true;
      }
    }
    return false;
  }

  function renderParticipants() {
    ui.participants.replaceChildren();
    const rows = participants.map((p) => ({ nodeId: p.nodeId, username: p.username, online: true }));
    // Peers with a data channel stay listed after they (or we) left the server.
    for (const peer of peers.values()) {
      if (!rows.some((r) => r.nodeId === peer.nodeId) && peer.state === 'open') {
        rows.push({ nodeId: peer.nodeId, username: peer.username, online: false });
      }
    }
    if (rows.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = socket ? 'Nobody yet.' : 'Not connected to the server.';
      ui.participants.append(empty);
      return;
    }
    for (const row of rows) {
      const li = document.createElement('li');
      li.dataset.nodeId = row.nodeId;
      li.dataset.username = row.username;
      const name = document.createElement('span');
      name.className = 'name';
      if (row.nodeId === me.nodeId) {
        li.className = 'me';
        name.textContent = row.username + ' (you)';
        li.append(name);
        ui.participants.append(li);
        continue;
      }
      const peer = peers.get(row.nodeId);
      const state = peer ? peer.state : 'new';
      li.dataset.peerState = state;
      name.textContent = row.username + (peer && peer.unread ? ' (' + peer.unread + ')' : '');
      const info = document.createElement('span');
      info.className = 'state';
      info.textContent = state === 'open' ? 'direct' : state === 'connecting' ? 'connecting…' : row.online ? '' : 'offline';
      const button = document.createElement('button');
      button.type = 'button';
      if (state === 'open') {
        button.textContent = 'Chat';
        button.addEventListener('click', () => selectPeer(row.nodeId));
      } else {
        button.textContent = 'Connect';
        button.disabled = !socket || state === 'connecting';
        button.addEventListener('click', () => connect(row.nodeId));
      }
      li.append(name, info, button);
      ui.participants.append(li);
    }
  }

  function selectPeer(nodeId) {
    activePeer = nodeId;
    const peer = peerFor(nodeId);
    peer.unread = 0;
    ui.chatTitle.textContent = 'Chat with ' + peer.username;
    ui.chatPeer.textContent = 'Messages go over a WebRTC data channel, straight to '
      + peer.username + ', not through the server.';
    ui.messages.replaceChildren(...peer.log.map(renderMessage));
    ui.messages.scrollTop = ui.messages.scrollHeight;
    refreshComposer();
    renderParticipants();
  }

  function refreshComposer() {
    const peer = activePeer && peers.get(activePeer);
    const open = Boolean(peer && peer.channel && peer.channel.readyState === 'open');
    ui.message.disabled = !open;
    ui.send.disabled = !open;
  }

  function addMessage(peer, kind, who, text) {
    append(peer, { kind, who, text });
  }

  function addSystem(peer, text) {
    append(peer, { kind: 'system', who: '', text });
  }

  function append(peer, entry) {
    peer.log.push(entry);
    if (activePeer === peer.nodeId) {
      ui.messages.append(renderMessage(entry));
      ui.messages.scrollTop = ui.messages.scrollHeight;
    } else if (entry.kind === 'theirs') {
      peer.unread++;
      renderParticipants();
    }
  }

  function renderMessage(entry) {
    const li = document.createElement('li');
    li.className = entry.kind;
    if (entry.kind !== 'system') {
      li.dataset.from = entry.who;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = entry.who;
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = entry.text;
      li.append(who, text);
    } else {
      li.textContent = entry.text;
    }
    return li;
  }

  // For the curious (and the end-to-end test): which addresses each data channel really uses.
  window.webrtcDemo = Object.freeze({
    nodeId: () => me.nodeId,
    candidatePolicy,
    /** For each peer with a connection: the selected candidate pair's local and remote address. */
    async selectedCandidatePairs() {
      const pairs = [];
      for (const peer of peers.values()) {
        if (!peer.pc) {
          continue;
        }
        const stats = await peer.pc.getStats();
        stats.forEach((report) => {
          if (report.type === 'transport' && report.selectedCandidatePairId) {
            const pair = stats.get(report.selectedCandidatePairId);
            const local = stats.get(pair.localCandidateId);
            const remote = stats.get(pair.remoteCandidateId);
            pairs.push({
              peer: peer.username,
              local: local.address + ':' + local.port + ' ' + local.protocol + ' ' + local.candidateType,
              remote: remote.address + ':' + remote.port + ' ' + remote.protocol + ' ' + remote.candidateType,
            });
          }
        });
      }
      return pairs;
    },
  });

  function randomId() {
    // crypto.randomUUID() needs a secure context; getRandomValues works on plain http too.
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }
})();
