#!/usr/bin/env node
// The ripen command line on WebAssembly: the native CLI's command layer (native/cli, in the tools
// module) over node:fs. Every command runs as the native ripen runs it, byte for byte
// (tests/js/cli.test.mjs runs the native CLI's cases against it). Set RIPEN_WASM_DIR to use
// modules from a build folder.
import { closeSync, fstatSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Ripen } from '../ripen.mjs';

// The C library's words for the errors Node reports by code, as the native CLI prints them.
const REASONS = {
  ENOENT: 'No such file or directory', EACCES: 'Permission denied', ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links', EISDIR: 'Is a directory', ENOSPC: 'No space left on device',
  EPIPE: 'Broken pipe', EBADF: 'Bad file descriptor', EIO: 'Input/output error', EROFS: 'Read-only file system',
  EMFILE: 'Too many open files', ENAMETOOLONG: 'File name too long', EFBIG: 'File too large', EPERM: 'Operation not permitted',
  EDQUOT: 'Disk quota exceeded', EINVAL: 'Invalid argument',
};
const reason = (error) => REASONS[error.code] || error.message;

// Retries what a non-blocking descriptor (a pipe, a terminal) refuses for the moment.
function retrying(action) {
  for (;;) {
    try {
      return action();
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

function writeAll(fd, bytes) {
  let offset = 0;
  while (offset < bytes.length) offset += retrying(() => writeSync(fd, bytes, offset, bytes.length - offset));
}

// The Io of the command layer (native/cli/io.hpp), over node:fs. Bytes move through the module's
// memory: `wasm.HEAPU8` is looked up at each call, since the memory may have grown.
function nodeIo(wasm) {
  const files = new Map();
  let next = 1;
  const io = {
    lastError: '',
    fail(e) {
      io.lastError = reason(e);
      return -1;
    },
    open(path) {
      try {
        const fd = path === '-' ? 0 : openSync(path, 'r');
        if (fstatSync(fd).isDirectory()) {
          if (fd !== 0) closeSync(fd);
          io.lastError = 'it is a directory';
          return -1;
        }
        files.set(next, fd);
        return next++;
      } catch (e) {
        return io.fail(e);
      }
    },
    read(handle, address, length) {
      const fd = files.get(handle);
      try {
        return retrying(() => readSync(fd, wasm.HEAPU8, address, length, null));
      } catch (e) {
        if (e.code === 'EOF') return 0;
        return io.fail(e);
      }
    },
    close(handle) {
      const fd = files.get(handle);
      files.delete(handle);
      if (fd !== undefined && fd !== 0) closeSync(fd);
    },
    writeFile(path, address, length) {
      try {
        writeFileSync(path, wasm.HEAPU8.subarray(address, address + length));
        return true;
      } catch (e) {
        io.fail(e);
        return false;
      }
    },
    writeOut(address, length) {
      try {
        writeAll(1, wasm.HEAPU8.subarray(address, address + length));
        return true;
      } catch (e) {
        io.fail(e);
        return false;
      }
    },
    writeErr(address, length) {
      try {
        writeAll(2, wasm.HEAPU8.subarray(address, address + length));
      } catch {
        // Nowhere left to report it.
      }
    },
    isTerminal(stream) {
      return isatty(stream);
    },
    today() {
      return new Date().toISOString().slice(0, 10);
    },
  };
  return io;
}

const ripen = await Ripen.load({ variant: 'tools' });
process.exitCode = ripen.wasm.runCli(process.argv.slice(2), nodeIo(ripen.wasm));
