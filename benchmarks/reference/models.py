"""PyTorch references of the library's reference architectures, built to the same layer list and the same
state-dict keys as ML.Generative's networks, so weights can move between the two and step times compare
like for like. Written for this project from the architecture description in the issues."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def stages_for(size):
    stages = [(64, 1), (128, 2), (256, 2)]
    if size >= 64:
        stages.append((256, 2))
    return stages


class ConvEncoder(nn.Module):
    def __init__(self, channels, size, stem=32):
        super().__init__()
        blocks = [nn.Sequential(nn.Conv2d(channels, stem, 1, bias=False), nn.BatchNorm2d(stem), nn.ReLU())]
        c = stem
        for out, stride in stages_for(size):
            blocks.append(nn.Sequential(nn.Conv2d(c, out, 3, stride, 1, bias=False), nn.BatchNorm2d(out), nn.ReLU()))
            c = out
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x, keep=False):
        skips = []
        for b in self.blocks:
            x = b(x)
            skips.append(x)
        return (x, skips) if keep else x


class ConvDecoder(nn.Module):
    def __init__(self, channels, size, latent, stem=32, skips=False, activation="sigmoid"):
        super().__init__()
        st = stages_for(size)
        f = 2 if skips else 1
        self.bottleneck = (st[-1][0], size // (2 ** sum(1 for _, s in st if s == 2)))
        self.fc = nn.Linear(latent, self.bottleneck[0] * self.bottleneck[1] ** 2)
        blocks = []
        for i in range(len(st) - 1, -1, -1):
            c, s = st[i]
            out = stem if i == 0 else st[i - 1][0]
            blocks.append(nn.Sequential(nn.ConvTranspose2d(c * f, out, s, s, bias=False), nn.BatchNorm2d(out), nn.ReLU()))
        self.blocks = nn.ModuleList(blocks)
        self.output = nn.ConvTranspose2d(stem * f, channels, 1)
        self.activation = activation
        self.use_skips = skips

    def forward(self, z, skips=None):
        c, s = self.bottleneck
        x = F.relu(self.fc(z)).view(-1, c, s, s)
        i = len(skips) if skips is not None else 0
        for b in self.blocks:
            if skips is not None:
                i -= 1
                x = torch.cat([x, skips[i]], 1)
            x = b(x)
        if skips is not None:
            x = torch.cat([x, skips[0]], 1)
        y = self.output(x)
        return torch.sigmoid(y) if self.activation == "sigmoid" else (torch.tanh(y) if self.activation == "tanh" else y)


class Vae(nn.Module):
    def __init__(self, channels, size, latent, unet=False):
        super().__init__()
        self.encoder = ConvEncoder(channels, size)
        feats = stages_for(size)[-1][0] * (size // (2 ** sum(1 for _, s in stages_for(size) if s == 2))) ** 2
        self.fc_mu = nn.Linear(feats, latent)
        self.fc_logvar = nn.Linear(feats, latent)
        self.decoder = ConvDecoder(channels, size, latent, skips=unet)
        self.unet = unet
        self.latent = latent

    def encode(self, x, keep=False):
        if keep:
            h, skips = self.encoder(x, keep=True)
        else:
            h, skips = self.encoder(x), None
        h = h.flatten(1)
        return self.fc_mu(h), self.fc_logvar(h), skips

    def forward(self, x):
        mu, logvar, skips = self.encode(x, keep=self.unet)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return mu, logvar, z, self.decoder(z, skips)


class Autoencoder(nn.Module):
    def __init__(self, channels, size, latent):
        super().__init__()
        self.encoder = ConvEncoder(channels, size)
        self.residual = nn.Sequential()
        feats = stages_for(size)[-1][0] * (size // (2 ** sum(1 for _, s in stages_for(size) if s == 2))) ** 2
        self.fc_code = nn.Linear(feats, latent)
        self.decoder = ConvDecoder(channels, size, latent)

    def forward(self, x):
        code = self.fc_code(self.residual(self.encoder(x)).flatten(1))
        return code, self.decoder(code)


class ImageDiscriminator(nn.Module):
    def __init__(self, channels, size, width=64):
        super().__init__()
        layers = []
        c, out = channels, width
        while size % 2 == 0 and size > 4:
            layers.append(nn.Conv2d(c, out, 4, 2, 1))
            if len(layers) > 1:
                layers.append(nn.BatchNorm2d(out))
            layers.append(nn.LeakyReLU(0.2))
            size //= 2
            c, out = out, out * 2
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c * size * size, 1)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def recon_per_image(recon, x, kind):
    if kind == "bce":
        l = F.binary_cross_entropy(recon, x, reduction="none")
    elif kind == "mse":
        l = F.mse_loss(recon, x, reduction="none")
    else:
        l = F.l1_loss(recon, x, reduction="none")
    return l.flatten(1).sum(1)


def kl_per_image(mu, logvar):
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)


def mmd_imq(q, p, sigma2=1.0, scales=(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)):
    n, d = q.shape
    def sq(a, b):
        return (a.pow(2).sum(1, keepdim=True) + b.pow(2).sum(1, keepdim=True).t() - 2 * a @ b.t()).clamp_min(0)
    dqq, dpp, dpq = sq(q, q), sq(p, p), sq(p, q)
    off = 1 - torch.eye(n, dtype=q.dtype, device=q.device)
    total = 0
    for s in scales:
        c = 2.0 * d * sigma2 * s
        total = total + ((c / (dqq + c) + c / (dpp + c)) * off).sum() / (n * (n - 1)) - (c / (dpq + c)).sum() * 2.0 / (n * n)
    return total


def gan_d(real, fake):
    return F.binary_cross_entropy_with_logits(real, torch.ones_like(real)) + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))


def gan_g(fake):
    return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))


class Case:
    """One benchmark case: networks, optimizers, and a train step equal to the library's."""

    def __init__(self, name, channels, size, batch, latent):
        self.name, self.channels, self.size, self.batch, self.latent = name, channels, size, batch, latent
        self.players = []  # (optimizer, loss function)
        self.decode = None  # the generator for sampling: prior codes -> images

    def step(self, x):
        for opt, loss_fn in self.players:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(x)
            loss.backward()
            opt.step()


def build(name):
    if name in ("vae28", "vae32"):
        c, s = (1, 28) if name == "vae28" else (3, 32)
        case = Case(name, c, s, 128, 64)
        vae = Vae(c, s, 64)
        def loss(x):
            mu, logvar, z, recon = vae(x)
            return recon_per_image(recon, x, "bce").mean() + kl_per_image(mu, logvar).mean()
        case.network = vae
        case.decode = vae.decoder
        case.players = [(torch.optim.Adam(vae.parameters(), 1e-3), loss)]
        return case
    if name in ("vaegan32", "unetvaegan32"):
        unet = name == "unetvaegan32"
        case = Case(name, 3, 32, 64, 64)
        vae = Vae(3, 32, 64, unet=unet)
        disc = ImageDiscriminator(3, 32)
        def decode_prior(x):
            z = torch.randn(x.shape[0], vae.latent, device=x.device, dtype=x.dtype)
            if not unet:
                return vae.decoder(z)
            _, _, skips = vae.encode(x, keep=True)
            return vae.decoder(z, [s * (1 + torch.randn_like(s) * 0.1) for s in skips])
        def d_loss(x):
            with torch.no_grad():
                fake = decode_prior(x)
            return gan_d(disc(x), disc(fake))
        def vae_loss(x):
            mu, logvar, z, recon = vae(x)
            r = recon_per_image(recon, x, "mse").mean()
            kl = kl_per_image(mu, logvar).mean()
            return (r + kl) * 1.0 + gan_g(disc(decode_prior(x))) * 0.1
        case.network = nn.ModuleDict({"vae": vae, "discriminator": disc})
        case.players = [(torch.optim.Adam(disc.parameters(), 1e-3), d_loss), (torch.optim.Adam(vae.parameters(), 1e-3), vae_loss)]
        return case
    if name == "wae64":
        case = Case(name, 3, 64, 64, 8)
        ae = Autoencoder(3, 64, 8)
        def loss(x):
            code, recon = ae(x)
            return recon_per_image(recon, x, "mse").mean() + 10.0 * mmd_imq(code, torch.randn_like(code))
        case.network = ae
        case.decode = ae.decoder
        case.players = [(torch.optim.Adam(ae.parameters(), 1e-3), loss)]
        return case
    raise ValueError(f"unknown case {name}")
