"""The exercise checkers' words in Chinese, for readers of the Chinese edition (``GCDG_LANG=zh``; the Chinese Colab
copies set it in their set-up cell). :func:`gcdg_lite.exercises.check` reads them through
:func:`gcdg_lite.exercises.language`; what has no Chinese form here (an answer-specific hint computed from the answer)
is printed in English, the fallback.

``HINTS``: each exercise's generic hint (the ``hint=`` of its ``@checker``), with every number and code name of the
English one (``tests/test_exercises_language.py`` checks both). ``SPECIFIC``: every fixed answer-specific hint of the
checkers (a ``return "..."`` string), keyed by its English text; the test fails when a checker gains one without its
Chinese form here. Hints computed from the answer (f-strings with its numbers) stay English.
"""
from __future__ import annotations

HINTS = {
    "ch1.1": "以采样率 sr 采样时，频率为 f 的正弦与频率为 f + k*sr（k 为任意整数）的正弦看起来一样，也与频率为 -f 的一样；"
             "把这两点结合起来，让结果落在 0..sr/2 之内。",
    "ch1.2": "n_fft 个样本的窗口持续 n_fft/sr 秒，其 FFT 频点相隔 sr/n_fft Hz；先找出既足够长、能分开两个音，又足够短、"
             "能分开两次咔嗒声的窗口长度，再选一个足够细的跳步（hop），让两次咔嗒声之间落下一帧。",
    "ch1.3": "嗡鸣声的谐波位于 f0、2 f0、3 f0……：找出能解释每个片段幅度谱峰值的间距，搜索范围要低到适合这种纹理"
             "（40-160 Hz）。",
    "ch1.4": "对一批片段：先算每个片段的超额峰度（EXCESS kurtosis，即中心化、标准化后样本的 4 次方的均值减去 3），"
             "再取这一批的中位数，与 5 比较。",
    "ch2.1": "一次只看一个玩家来读这段代码：每个损失接收什么，两半各用哪份噪声，每个优化器更新谁的变量。",
    "ch2.2": "一组点在圆环上，要同时满足三点：到原点的距离正确，这个距离的离散程度小，并且点均匀地分布在整个圆周上。",
    "ch2.3": "用 'non_saturating' 损失和本章的 toy_steps 调用 train_toy，把它的完整结果（G、D、losses、snapshots、"
             "track）作为答案。",
    "ch3.1": "D*(x) = p_data(x) / (p_data(x) + p_g(x))；把它写成 x（一个 NumPy 数组）以及两个高斯分布的均值和标准差的函数。",
    "ch3.2": "在只有一个样本的批次上逐步检查你的函数：插值点、判别器在该点的梯度（tape 里再套一个 tape）、梯度的范数、"
             "惩罚项。",
    "ch3.3": "logit 很大时，1 - sigmoid(l) 在 float32 中会恰好舍入为 0；找一个不先算出 sigmoid(l) 的 "
             "log(1 - sigmoid(l)) 表达式（本章讲数值稳定的 logit 的一节给出了这个恒等式）。",
    "ch4.1": "每个 Dense 层的权重数按（输入数 x 单元数）计，再加每个单元一个偏置；并记住修复后的生成器读入的是什么。",
    "ch4.2": "源文的生成器目标是 log(1 - sigmoid(l)) 的均值；1 - sigmoid(l) 就是 sigmoid(-l)，缺陷 4 展示了如何在不算出 "
             "sigmoid 本身的情况下取它的对数。",
    "ch4.3": "逐行阅读代码，对每一行都问：判别器的一步应当让 D(x)、D(G(z)) 怎样变化，又该更新谁的权重？然后在一个"
             "非常自信的判别器上检验它。",
    "ch4.4": "对给定的频谱图计算谱收敛曲线（本章的 sc_curve），再选出使其值与 64 次迭代后的值相差不超过 0.02 的最少"
             "迭代次数。",
    "ch4.5": "第 t 帧的相位等于第 0..t 帧的瞬时频率偏差之和（编码值是偏差除以 pi），再加上一个位于该频点中心频率的"
             "纯音在 t 个跳步中前进的相位。",
    "ch5.1": "先描述真实点在哪里（它们的模式，或者干脆就是真实点本身），然后对真实集合的每一部分都问：附近有没有"
             "生成的点？",
    "ch5.2": "求判别器 logit 对输入片段的梯度（tape.watch 输入），平方，在每个片段的样本上求和，在批次上取平均，"
             "再乘以 gamma / 2。",
    "ch5.3": "这项检查把整段片段的对数梅尔统计量与最近的训练片段的统计量相比较；什么操作会大幅改变片段的样本，"
             "却让其频谱图的统计量保持不变？",
    "ch6.1": "取一批范围很宽的 logit，在 GradientTape 上计算每种损失对它们的梯度，再逐元素比较这两个梯度。",
    "ch6.2": "对照第 3 章的算法（3.6 节）及其数值稳定的 logit 一节（3.5）阅读每一行：这是哪个玩家的损失，它改变哪些"
             "权重，会不会溢出？",
    "ch6.3": "对每种博弈，把两个玩家的损失写成 l_x = 8 和 l_z = -8 的函数，再对 logit 求导（手算，或在 GradientTape 上）。",
}

#: fixed (not computed) answer-specific hints of the checkers, by their English text
SPECIFIC = {
    "your function returns the same number whatever f and sr are; it must compute the alias from them.":
        "无论 f 和 sr 是多少，你的函数都返回同一个数；它必须由它们算出混叠频率。",
    "a frequency read off a spectrum is never negative: a sine at -f sounds (and samples) like one at +f.":
        "从频谱上读出的频率从不为负：频率为 -f 的正弦听起来（采样后也）与 +f 的一样。",
    "give a pair (n_fft, hop) of whole numbers of samples, e.g. (256, 64).":
        "请给出一对以样本数计的整数 (n_fft, hop)，例如 (256, 64)。",
    "n_fft and hop are counts of samples: whole numbers.": "n_fft 和 hop 是样本个数：应为整数。",
    "a fundamental frequency is a positive, finite number of Hz for every clip.":
        "对每个片段，基频都是一个以 Hz 计的有限正数。",
    "that is the period in samples (sr / f0); the exercise asks for the frequency in Hz.":
        "这是以样本数计的周期（sr / f0）；练习要求的是以 Hz 计的频率。",
    "clicks on a constant offset are still clicks: subtract each clip's own mean before the 4th power.":
        "叠加在常数偏移上的咔嗒声仍是咔嗒声：先减去每个片段自身的均值，再求 4 次方。",
    "you call plain Gaussian noise impulsive; its excess kurtosis is 0.":
        "你把普通的高斯噪声判为冲击性的；它的超额峰度是 0。",
    "not these frequencies; test your function on a sampled sine (np.sin) and the peak of its spectrum.":
        "这些频率不对；用一个采样后的正弦（np.sin）及其频谱的峰值来检验你的函数。",
    "your function returns a non-finite value for some (f, sr); a frequency is a finite number of Hz.":
        "对某些 (f, sr)，你的函数返回了非有限值；频率是一个以 Hz 计的有限数。",
    "right up to sr, wrong above it: tones above sr fold more than once (shift by whole multiples of sr first).":
        "在 sr 以下正确，高于 sr 就错了：高于 sr 的音会折叠不止一次（先平移 sr 的整数倍）。",
    "a tone above sr/2 cannot stay where it is: sampling at sr only distinguishes 0..sr/2 (try sampling a 9000 Hz sine at 16000 Hz and look at its spectrum).":
        "高于 sr/2 的音不可能留在原处：以 sr 采样只能分辨 0..sr/2（试着以 16000 Hz 采样一个 9000 Hz 的正弦，看看它的频谱）。",
    "removing whole multiples of sr is half of it: between sr/2 and sr the tone folds back, a sine at sr - f has exactly the same samples as one at f.":
        "去掉 sr 的整数倍只做了一半：在 sr/2 与 sr 之间，音会折回，频率为 sr - f 的正弦与频率为 f 的正弦采样值完全相同。",
    "folding is a mirror at sr/2, not a wrap-around: just above sr/2 the alias is just below sr/2, and it moves DOWN as f goes up.":
        "折叠是以 sr/2 为镜面的反射，而不是绕回：刚高于 sr/2 时，混叠频率刚低于 sr/2，并且随 f 升高而“下降”。",
    "sr - f holds only for tones between sr/2 and 3 sr/2; below sr/2 a tone is sampled faithfully.":
        "sr - f 只对 sr/2 到 3 sr/2 之间的音成立；低于 sr/2 的音会被如实采样。",
    "right below sr/2, wrong above it: check tones between sr/2 and sr, and above sr.":
        "低于 sr/2 时正确，高于它就错了：检查 sr/2 与 sr 之间以及高于 sr 的音。",
    "some of your aliases lie above sr/2, which a spectrum sampled at sr cannot show.":
        "你算出的一些混叠频率高于 sr/2，而以 sr 采样的频谱无法显示这样的频率。",
    "your function returns the same number for every clip; it must measure the clip it is given (the checker tries it on hum clips the chapter did not show).":
        "你的函数对每个片段都返回同一个数；它必须测量传给它的那个片段（检查器会在本章没有展示过的嗡鸣片段上试它）。",
    "on some clips you found a sub-harmonic: a comb at f0/2 also hits every true harmonic; score the candidates so that teeth falling between harmonics count against them (e.g. the mean log magnitude).":
        "在一些片段上你找到的是次谐波：位于 f0/2 的梳状结构也会命中每个真实谐波；给候选打分时，要让落在谐波之间的齿扣分（例如用平均对数幅度）。",
    "your test changes its verdict when the same clips are made 1000 times quieter; kurtosis does not depend on loudness: standardise by each clip's own variance (4th moment over squared 2nd moment).":
        "同样的片段音量降低 1000 倍后，你的检验改变了结论；峰度与响度无关：用每个片段自身的方差来标准化（4 阶矩除以 2 阶矩的平方）。",
    "you call Laplace noise impulsive: its kurtosis is 6, its EXCESS kurtosis 3; did you subtract 3 (Gaussian noise must score 0)?":
        "你把拉普拉斯噪声判为冲击性的：它的峰度是 6，超额峰度（EXCESS kurtosis）是 3；你减去 3 了吗（高斯噪声必须得 0）？",
    "a batch in which only 3 of 8 clips have heavy tails is not impulsive by the median; a few extreme clips dominate a mean. Use the median over clips.":
        "一批 8 个片段中只有 3 个是重尾的，按中位数它就不是冲击性的；少数极端片段会主导均值。请对各片段取中位数。",
    "this step matches neither a correct step nor the listing's mistakes; start again from the listing and change only what is wrong.":
        "这一步既不像正确的一步，也不像代码清单里的错误；从代码清单重新开始，只改错的地方。",
    "your score is not finite for some point sets; it must give every set of points a number.":
        "对某些点集，你的分数不是有限值；它必须给每个点集一个数。",
    "your score is higher for the ring than for every failure: lower must mean closer to the ring.":
        "你给圆环的分数比给每种失败情形的都高：分数越低必须表示越接近圆环。",
    "your score grows with the number of points (a sum where a mean is needed?); 5000 points of the ring are as good as 500.":
        "你的分数随点数增长（该用均值的地方用了求和？）；圆环上的 5000 个点与 500 个点一样好。",
    "give the whole result of train_toy(...): the tuple (G, D, losses, snapshots, track).":
        "请给出 train_toy(...) 的完整结果：元组 (G, D, losses, snapshots, track)。",
    "the third item must be train_toy's per-step losses, an array of shape (steps, 2).":
        "第三项必须是 train_toy 每一步的损失，一个形状为 (steps, 2) 的数组。",
    "every generator loss of this run is negative, as log(1 - D(G(z))) always is: that is the 'gcdg' generator loss. Train with 'non_saturating'.":
        "这次运行的生成器损失全都是负的，正如 log(1 - D(G(z))) 总是负的：那是 'gcdg' 生成器损失。请用 'non_saturating' 训练。",
    "-log D(G(z)) is never negative, but this run's generator losses are: was it trained with 'non_saturating'?":
        "-log D(G(z)) 从不为负，但这次运行的生成器损失却是负的：它是用 'non_saturating' 训练的吗？",
    "the first item must be the trained generator, which maps noise to points (n, 2).":
        "第一项必须是训练好的生成器，它把噪声映射为点 (n, 2)。",
    "the generator's points are still near the origin: did the run update the generator?":
        "生成器的点仍在原点附近：这次运行更新了生成器吗？",
    "your step is right for the 'gcdg' pair but not for 'non_saturating': use the losses of the `spec` it is given, not one loss written in.":
        "你的这一步对 'gcdg' 这对损失是对的，对 'non_saturating' 却不对：请使用传入的 `spec` 中的损失，而不是写死某一种损失。",
    "the discriminator half is right; the generator's update is not.":
        "判别器那一半是对的；生成器的更新不对。",
    "the weights after your step are right, but the returned pair is not (D's loss from the discriminator half, G's loss from the generator half).":
        "你这一步之后的权重是对的，但返回的二元组不对（D 的损失应来自判别器那一半，G 的损失来自生成器那一半）。",
    "the answer is a function, d_star(x, mu_data, sd_data, mu_g, sd_g), not a number: the checker calls it on Gaussians and points of its own.":
        "答案是一个函数 d_star(x, mu_data, sd_data, mu_g, sd_g)，而不是一个数：检查器会用它自己的高斯分布和点来调用它。",
    "this is the probability that x came from the generator; which density belongs on top?":
        "这是 x 来自生成器的概率；分子上应该是哪个密度？",
    "D*(x) is a probability, between 0 and 1: divide p_data by the SUM of the two densities.":
        "D*(x) 是一个概率，介于 0 和 1 之间：用 p_data 除以两个密度之“和”。",
    "right when the two Gaussians have the same width, wrong when they do not: a density's normalising factor 1 / (sd sqrt(2 pi)) depends on its width, so it does not cancel.":
        "两个高斯分布宽度相同时正确，不同时就错了：密度的归一化因子 1 / (sd sqrt(2 pi)) 取决于它的宽度，因此不会约掉。",
    "the arguments are standard deviations, not variances: N(mu, sd^2).":
        "参数是标准差，不是方差：N(mu, sd^2)。",
    "the answer is a function, penalty(critic, real, fake, alpha, weight), not a number.":
        "答案是一个函数 penalty(critic, real, fake, alpha, weight)，而不是一个数。",
    "the answer should be a function: answer = my_function (without calling it).":
        "答案应该是一个函数：answer = my_function（不要调用它）。",
    "log(1 - D) is never positive; check the sign.":
        "log(1 - D) 从不为正；检查符号。",
    "this is log D, not log(1 - D): which of the two goes to 0 for very negative logits?":
        "这是 log D，不是 log(1 - D)：对于非常负的 logit，两者中哪一个趋于 0？",
    "your function breaks for every logit above 1: it treats its input as a probability D. The input is a logit, any real number, and D = sigmoid(l).":
        "对每个大于 1 的 logit，你的函数都会出错：它把输入当成了概率 D。输入是 logit，可以是任意实数，而 D = sigmoid(l)。",
    "the value is right, but it is not a TensorFlow tensor, so no gradient reaches the critic's weights and the penalty could not train it: keep every step in TensorFlow.":
        "数值是对的，但它不是 TensorFlow 张量，因此没有梯度传到评判器（critic）的权重，惩罚项也就无法训练它：每一步都要在 TensorFlow 中完成。",
    "the value is right, but no gradient flows from it to the critic's weights (a .numpy() or tf.stop_gradient somewhere?): the penalty must be able to train the critic.":
        "数值是对的，但没有梯度从它流向评判器（critic）的权重（哪里用了 .numpy() 或 tf.stop_gradient？）：惩罚项必须能训练评判器。",
    "the value is right, but its gradient with respect to the critic's weights is not: compute the input gradient inside the outer tape (a nested tape), without stop_gradient.":
        "数值是对的，但它对评判器（critic）权重的梯度不对：在外层 tape 内部（嵌套的 tape）计算对输入的梯度，不要用 stop_gradient。",
    "a count of weights is a whole number; check where a fraction came from.":
        "权重的个数是整数；检查小数是从哪里来的。",
    "close: every Dense unit also has a bias.":
        "接近了：每个 Dense 单元还有一个偏置。",
    "close: one of the two layers is counted without its biases.":
        "接近了：两层中有一层没有算上偏置。",
    "that counts a generator that reads a clip; after defect 3 is fixed it reads the noise vector.":
        "这算的是一个读入片段的生成器；修复缺陷 3 之后，它读入的是噪声向量。",
    "that is seed_mlp at 16384 samples; the listing's output layer has 22050 units.":
        "这是 16384 个样本时的 seed_mlp；代码清单的输出层有 22050 个单元。",
    "that is one layer; the generator has two Dense layers.":
        "这只是一层；生成器有两个 Dense 层。",
    "count the generator only, not the discriminator.":
        "只计生成器，不计判别器。",
    "answer should be a function of d_fake_logits (def answer(d_fake_logits): ...), not its result.":
        "answer 应该是 d_fake_logits 的函数（def answer(d_fake_logits): ...），而不是它的结果。",
    "your loss is not finite on ordinary logits (between -6 and 6). A logit is any real number, not a probability: D(G(z)) = sigmoid(logit). Check for a log of a negative number or of 0.":
        "在普通的 logit（介于 -6 和 6 之间）上，你的损失不是有限值。logit 是任意实数，不是概率：D(G(z)) = sigmoid(logit)。检查是否对负数或 0 取了对数。",
    "the sign is flipped: minimising this would lower D(G(z)), the listing's mistake (defect 6).":
        "符号反了：最小化它会降低 D(G(z))，这正是代码清单的错误（缺陷 6）。",
    "that is the non-saturating loss -E log D(G(z)): a fine choice for training, but the exercise asks for the source's (minimax) objective.":
        "这是非饱和损失 -E log D(G(z))：用来训练是个好选择，但练习要的是源文的（极小极大）目标。",
    "that is the mean of log D(G(z)); the source's objective is the log of 1 - D(G(z)).":
        "这是 log D(G(z)) 的均值；源文的目标是 1 - D(G(z)) 的对数。",
    "that is the sum over the batch; the objective is the mean, so it does not grow with the batch size.":
        "这是在批次上的求和；目标是均值，因此不随批大小增长。",
    "the sigmoid is applied twice (defect 4): the input is already the logit l, D(G(z)) = sigmoid(l).":
        "sigmoid 用了两次（缺陷 4）：输入已经是 logit l，D(G(z)) = sigmoid(l)。",
    "the value differs from the mean of log(1 - D(G(z))) with D = sigmoid(logit); check the formula.":
        "数值与 D = sigmoid(logit) 时 log(1 - D(G(z))) 的均值不同；检查公式。",
    "the value is right on ordinary logits but not finite for a confident discriminator (logit 60): in float32 sigmoid(60) rounds to exactly 1. Compute the log from the logit directly.":
        "在普通 logit 上数值是对的，但对一个很自信的判别器（logit 60）不是有限值：在 float32 中 sigmoid(60) 恰好舍入为 1。请直接由 logit 计算对数。",
    "no gradient flows through your loss; use TensorFlow operations, not numpy.":
        "没有梯度流过你的损失；请用 TensorFlow 运算，不要用 numpy。",
    "the value is right but its gradient is not; did a tf.stop_gradient or a numpy step slip in?":
        "数值对了，但梯度不对；是不是混进了 tf.stop_gradient 或某个 numpy 步骤？",
    "answer should be your repaired function d_step itself (def d_step(G, D, real, z, opt): ...).":
        "answer 应该就是你修复后的函数 d_step 本身（def d_step(G, D, real, z, opt): ...）。",
    "the loss is not finite on an ordinary batch; check every log.":
        "在一个普通批次上损失不是有限值；检查每一个 log。",
    "the loss rewards D for calling generated clips *real*: which label does a generated clip carry, and what is the cross-entropy of that label?":
        "这个损失在 D 把生成的片段判为*真实*时给予奖励：生成的片段带的是哪个标签，这个标签的交叉熵又是什么？",
    "the loss has the wrong sign: minimising it makes D worse (defect 6 of the source listing).":
        "损失的符号错了：最小化它会让 D 变差（源文代码清单的缺陷 6）。",
    "real and generated clips have swapped roles: D should give real clips the high probability.":
        "真实片段与生成片段的角色对调了：D 应该给真实片段高概率。",
    "the loss is not the discriminator's binary cross-entropy (real clips labelled 1, generated clips 0, each term a mean over the batch) of these models on this batch and on the noise `z` passed in.":
        "这个损失不是这些模型在这个批次和传入的噪声 `z` 上判别器的二元交叉熵（真实片段标为 1，生成片段标为 0，每一项都是批次上的均值）。",
    "D's loss is right, but the step also changed the generator's weights: a discriminator step moves the discriminator only. Which variables does your gradient update?":
        "D 的损失是对的，但这一步也改变了生成器的权重：判别器的一步只应改变判别器。你的梯度更新的是哪些变量？",
    "the discriminator's weights did not change: apply the gradients of its loss with `opt`.":
        "判别器的权重没有变：用 `opt` 应用其损失的梯度。",
    "after your step D's loss went up, not down; check the sign of what you apply.":
        "你这一步之后 D 的损失上升而不是下降；检查你所应用的量的符号。",
    "answer should be a function of a magnitude spectrogram, def answer(mag): ... returning an int.":
        "answer 应该是幅度频谱图的函数，def answer(mag): ...，返回一个 int。",
    "your function gives the same number for every spectrogram; the knee of the curve depends on the sound (a voice, clicks, rain): compute it for the spectrogram you are given.":
        "你的函数对每张频谱图都给出同一个数；曲线的拐点取决于声音（人声、咔嗒声、雨声）：请针对给你的频谱图计算它。",
    "answer should be a function, def answer(if_code, n_fft, hop): ... returning the phase (frames x bins).":
        "answer 应该是一个函数，def answer(if_code, n_fft, hop): ...，返回相位（帧数 x 频点数）。",
    "keep the listing's signature: d_step(G, D, real, z, opt).":
        "保持代码清单的函数签名：d_step(G, D, real, z, opt)。",
    "return D's loss as one number (a scalar tensor): the mean over the batch, as the listing does.":
        "把 D 的损失作为一个数返回（一个标量张量）：像代码清单那样，取批次上的均值。",
    "your function should return one whole number of iterations.":
        "你的函数应返回一个整数的迭代次数。",
    "your phase has NaN or infinite values.":
        "你的相位含有 NaN 或无穷大的值。",
    "your detector answers the other way round: True must mean collapsed.":
        "你的检测器答反了：True 必须表示已坍缩。",
    "your penalty is not finite":
        "你的惩罚项不是有限值",
    "the value is right, but it carries no gradient to the discriminator's weights (a float or a numpy value?): the penalty is added to D's loss and trained on, so keep it a tensor.":
        "数值是对的，但它没有把梯度带到判别器的权重（是 float 还是 numpy 值？）：惩罚项要加到 D 的损失上参与训练，所以要保持为张量。",
    "the value is right but its gradient with respect to the weights is not: did you stop the gradient somewhere, or take the input gradient outside the computation D's loss is differentiated in?":
        "数值对了，但它对权重的梯度不对：你是否在某处截断了梯度，或者在对 D 的损失求导的计算之外求了对输入的梯度？",
    "the clips must be finite audio in [-1, 1]":
        "片段必须是位于 [-1, 1] 之内的有限音频",
    "some of your clips are exact copies of training clips.":
        "你的一些片段是训练片段的完全拷贝。",
    "your penalty is zero: is the gradient taken with respect to the input clips?":
        "你的惩罚项为零：梯度是对输入片段求的吗？",
    "the answer is a function, same_updates(loss_a, loss_b) -> True or False, not a value.":
        "答案是一个函数 same_updates(loss_a, loss_b) -> True 或 False，而不是一个值。",
    "your detector says yes to every pair, also to losses whose gradients differ (every loss it is given is wrapped the same way): compare what the losses do to the gradient with respect to the logits, not the functions or their code.":
        "你的检测器对每一对都说是，连梯度不同的损失也不例外（传给它的每个损失都以同样的方式包装过）：请比较这些损失对 logit 梯度的作用，而不是比较函数本身或它们的代码。",
    "answer with a collection of line numbers, e.g. {3, 7} (a set of ints).":
        "请用行号的集合作答，例如 {3, 7}（一个 int 集合）。",
    "answer with a dict from each game's name to the players whose gradient vanishes, e.g. {'gcdg': {'G'}, ...}; use set() for neither.":
        "请用一个 dict 作答：把每种博弈的名字映射到梯度消失的玩家，例如 {'gcdg': {'G'}, ...}；两者都不消失时用 set()。",
    "answer with line numbers (whole numbers), e.g. {3, 7}.":
        "请用行号（整数）作答，例如 {3, 7}。",
}

#: the words of :func:`gcdg_lite.exercises.check` itself
WORDS = {
    "correct": "正确",
    "exercise": "练习 {number}",
    "no answer yet": "{name}：还没有答案——把 `answer = None` 换成你的代码，再运行这个单元格。",
    "refused": "{name}：还不对。这道练习要求你自己写出它；`{own}` 是用来检查你答案的参考实现。",
    "reference used": "{name}：还不对。你的答案调用了 `{used}`；这道练习要求你自己写出它，而那个函数正是用来检查"
                      "你答案的参考实现。",
    "could not check": "{name}：无法检查这个答案（{error}）。提示：{hint}",
    "not yet": "{name}：还不对。提示：{hint}",
}
