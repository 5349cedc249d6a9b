// Header and structure scans for PNG and JPEG files, done by hand so that
//  * the page size is known without decoding (a 60000x60000 PNG is refused
//    before libpng allocates anything; Leptonica's pixReadHeader rejects
//    header-only files, so it cannot be used for that), and
//  * a truncated file is recognised without handing it to libpng/libjpeg,
//    which would print their complaints straight to stderr.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include "raster/internal.hpp"

namespace scantab::raster::detail {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

}  // namespace

// PNG (ISO/IEC 15948 §5.3): signature, then chunks of
// length(4) type(4) data(length) crc(4); IHDR first, IEND last.
ImageHeader scan_png(const std::filesystem::path& path) {
  ImageHeader h;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return h;
  const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
  unsigned char buf[8 + 8 + 13];
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(buf), sizeof buf)) return h;
  if (be32(buf + 8) != 13 || std::string(reinterpret_cast<char*>(buf + 12), 4) != "IHDR") return h;
  h.width = be32(buf + 16);
  h.height = be32(buf + 20);

  bool seen_idat = false;
  std::uint64_t pos = 8;
  while (pos + 12 <= size) {
    unsigned char chunk[8];
    in.seekg(static_cast<std::streamoff>(pos));
    if (!in.read(reinterpret_cast<char*>(chunk), 8)) break;
    const std::uint32_t length = be32(chunk);
    if (length > 0x7FFFFFFFu) break;  // spec limit; anything larger is damage
    const std::string type(reinterpret_cast<char*>(chunk + 4), 4);
    const std::uint64_t next = pos + 12 + length;
    if (next > size) break;  // chunk runs past the end: truncated
    if (type == "IDAT") seen_idat = true;
    if (type == "IEND") {
      h.complete = seen_idat;
      break;
    }
    pos = next;
  }
  return h;
}

// JPEG (ITU-T T.81 §B.1.1): markers FF xx; SOI/EOI/RSTn/TEM stand alone, every
// other marker has a 2-byte big-endian length (including itself). After SOS
// comes entropy-coded data in which FF is followed by 00 (stuffing) or RSTn;
// any other FF xx there is the next marker. Complete = EOI is reached.
ImageHeader scan_jpeg(const std::filesystem::path& path) {
  ImageHeader h;
  std::ifstream file(path, std::ios::binary);
  if (!file) return h;
  std::istreambuf_iterator<char> it(file), end;
  auto next = [&](int& byte) {
    if (it == end) return false;
    byte = static_cast<unsigned char>(*it++);
    return true;
  };
  int a = 0, b = 0;
  if (!next(a) || !next(b) || a != 0xFF || b != 0xD8) return h;

  int marker = -1;  // a marker already read from entropy-coded data
  for (;;) {
    int m = marker;
    marker = -1;
    if (m < 0) {
      int byte = 0;
      do {  // markers may be preceded by fill bytes (FF); tolerate stray bytes
        if (!next(byte)) return h;
      } while (byte != 0xFF);
      do {
        if (!next(byte)) return h;
      } while (byte == 0xFF);
      m = byte;
    }
    if (m == 0xD9) {  // EOI
      h.complete = h.width > 0 && h.height > 0;
      return h;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7) || m == 0x00) continue;  // standalone

    int hi = 0, lo = 0;
    if (!next(hi) || !next(lo)) return h;
    const int length = (hi << 8) | lo;
    if (length < 2) return h;
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    for (int i = 0, byte = 0; i < length - 2; ++i) {
      if (!next(byte)) return h;
      // SOFn payload: precision(1) height(2) width(2) ...
      if (sof && i == 1) h.height = byte << 8;
      if (sof && i == 2) h.height |= byte;
      if (sof && i == 3) h.width = byte << 8;
      if (sof && i == 4) h.width |= byte;
    }
    if (m != 0xDA) continue;  // not SOS: next marker follows directly

    // Entropy-coded segment: find the next real marker.
    for (int byte = 0;;) {
      if (!next(byte)) return h;
      if (byte != 0xFF) continue;
      int after = 0;
      do {
        if (!next(after)) return h;
      } while (after == 0xFF);
      if (after == 0x00 || (after >= 0xD0 && after <= 0xD7)) continue;
      marker = after;
      break;
    }
  }
}

}  // namespace scantab::raster::detail

namespace scantab::raster::detail {

// Classic TIFF (TIFF 6.0 §2): header "II*\0"/"MM\0*" + offset of the first IFD;
// each IFD = count(2) + count x entry(12) + next-IFD offset(4). An entry holds
// tag(2) type(2) n(4) value-or-offset(4); values over 4 bytes live at the
// offset. The file is complete when every IFD, every out-of-line value and
// every strip/tile (StripOffsets 273 + StripByteCounts 279, TileOffsets 324 +
// TileByteCounts 325) lies inside the file. libtiff stops silently at a broken
// IFD chain, which would drop the pages of a cut multi-page TIFF unnoticed.
// BigTIFF is not walked (reported complete; libtiff judges it alone).
TiffStructure scan_tiff(const std::filesystem::path& path) {
  TiffStructure t;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return t;
  const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
  auto read = [&](std::uint64_t pos, unsigned char* out, std::size_t n) {
    if (pos + n > size) return false;
    in.seekg(static_cast<std::streamoff>(pos));
    return static_cast<bool>(in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n)));
  };
  unsigned char hdr[8];
  if (!read(0, hdr, 8)) return t;
  const bool le = hdr[0] == 'I';
  auto u16 = [le](const unsigned char* p) { return le ? unsigned(p[0] | p[1] << 8) : unsigned(p[0] << 8 | p[1]); };
  auto u32 = [le](const unsigned char* p) {
    return le ? std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24
              : std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
  };
  if (u16(hdr + 2) == 43) {  // BigTIFF
    t.complete = true;
    return t;
  }
  static constexpr int kTypeSize[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};

  // Reads n SHORT/LONG values of an entry (inline or at its offset).
  auto values = [&](const unsigned char* entry, std::vector<std::uint64_t>& out) {
    const unsigned type = u16(entry + 2);
    const std::uint32_t n = u32(entry + 4);
    if ((type != 3 && type != 4) || n > (1u << 24)) return false;
    const std::size_t width = type == 3 ? 2 : 4;
    std::vector<unsigned char> raw(std::size_t(n) * width);
    if (raw.size() <= 4) {
      std::copy(entry + 8, entry + 8 + raw.size(), raw.begin());
    } else if (!read(u32(entry + 8), raw.data(), raw.size())) {
      return false;
    }
    out.clear();
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(width == 2 ? u16(raw.data() + 2 * i) : u32(raw.data() + 4 * i));
    return true;
  };

  std::vector<std::uint64_t> visited;
  std::uint64_t ifd = u32(hdr + 4);
  while (ifd != 0) {
    if (std::find(visited.begin(), visited.end(), ifd) != visited.end() || visited.size() > 100000) return t;
    visited.push_back(ifd);
    unsigned char count_bytes[2];
    if (!read(ifd, count_bytes, 2)) return t;
    const unsigned count = u16(count_bytes);
    std::vector<unsigned char> entries(std::size_t(count) * 12 + 4);
    if (!read(ifd + 2, entries.data(), entries.size())) return t;

    std::vector<std::uint64_t> offsets, counts;
    for (unsigned i = 0; i < count; ++i) {
      const unsigned char* e = entries.data() + std::size_t(i) * 12;
      const unsigned tag = u16(e), type = u16(e + 2);
      const std::uint64_t n = u32(e + 4);
      const std::uint64_t bytes = type < std::size(kTypeSize) ? n * kTypeSize[type] : 0;
      if (bytes > 4 && u32(e + 8) + bytes > size) return t;  // value cut off
      if (tag == 273 || tag == 324) {
        if (!values(e, offsets)) return t;
      } else if (tag == 279 || tag == 325) {
        if (!values(e, counts)) return t;
      }
    }
    if (offsets.size() != counts.size()) return t;
    for (std::size_t i = 0; i < offsets.size(); ++i)
      if (offsets[i] + counts[i] > size) return t;  // image data cut off
    ++t.pages;
    ifd = u32(entries.data() + std::size_t(count) * 12);
  }
  t.complete = t.pages > 0;
  return t;
}

}  // namespace scantab::raster::detail
